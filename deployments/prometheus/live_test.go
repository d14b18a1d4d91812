package prometheus

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/internal/testenv"
)

// A real Prometheus (Debian's package) scrapes every role of a running
// pipeline (ingest, process and sink as separate processes, each with its
// own /metrics) and evaluates alerts.yaml with its `for:` shortened:
// traffic flows while the sink buffers without writing (batches never
// due), so its lag grows and FloorwatchSinkLagGrowing fires; then the sink
// is stopped and FloorwatchRoleDown fires for it. Alert states are read
// from Prometheus's HTTP API.
func TestPrometheusScrapesEveryRoleAndAlertsWhenTheSinkFallsBehindThenStops(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the pipeline and a Prometheus server")
	}
	prom := tool(t, "prometheus")
	brokers := testenv.KafkaBrokers(t)
	chAddr, _ := testenv.ClickHouse(t)
	_, db := testenv.ClickHouseDatabase(t, "prom")
	topics := testenv.Topics(t, 2)
	bin := testenv.BuildFloorwatch(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()

	env := []string{"FLOORWATCH_KAFKA_BROKERS=" + strings.Join(brokers, ","), "FLOORWATCH_KAFKA_PARTITIONS=2",
		"FLOORWATCH_CLICKHOUSE_ADDR=" + chAddr, "FLOORWATCH_CLICKHOUSE_DATABASE=" + db,
		"FLOORWATCH_METRICS_LISTEN=127.0.0.1:0", "FLOORWATCH_INGEST_LISTEN=127.0.0.1:0",
		"FLOORWATCH_LOG_FORMAT=json", "FLOORWATCH_LOG_LEVEL=info",
		// The sink buffers and never writes on its own: its lag grows.
		"FLOORWATCH_SINK_BATCH_ROWS=1000000", "FLOORWATCH_SINK_BATCH_INTERVAL=1h"}
	migrate := exec.CommandContext(ctx, bin, "migrate", "--config", "../../config.yaml")
	migrate.Env = append(os.Environ(), env...)
	if out, err := migrate.CombinedOutput(); err != nil {
		t.Fatalf("floorwatch migrate: %v\n%s", err, out)
	}
	roles := map[string]*testenv.Process{}
	metrics := map[string]string{}
	for _, role := range []string{"ingest", "process", "sink"} {
		args := []string{role, "--config", "../../config.yaml", "--topic-prefix", topics.Prefix}
		if role == "process" {
			args = append(args, "--instance", "prom-1")
		}
		roles[role] = testenv.StartFloorwatch(t, bin, env, args...)
		metrics[role] = roles[role].Await(ctx, t, "metrics listening")["addr"].(string)
	}
	ingest := roles["ingest"].Await(ctx, t, "ingest listening")["addr"].(string)
	for _, addr := range metrics {
		testenv.AwaitReady(ctx, t, addr)
	}

	p := startPrometheus(ctx, t, prom, metrics, shortFor(t, "2s"))
	p.awaitTargetsUp(ctx, t, len(metrics))
	for role := range metrics {
		if n := p.count(ctx, t, fmt.Sprintf(`floorwatch_build_info{role=%q}`, role)); n != 1 {
			t.Errorf("role %s: %d floorwatch_build_info series scraped, want 1", role, n)
		}
	}

	traffic := postTraffic(ctx, t, "http://"+ingest)
	p.awaitAlert(ctx, t, "FloorwatchSinkLagGrowing", map[string]string{"topic": topics.Events})
	for query, what := range map[string]string{
		`floorwatch_ingest_requests_total{role="ingest",status="200"}`: "ingest's requests",
		`floorwatch_process_events_total{role="process"} > 0`:          "the processors' events",
		`floorwatch_sink_lag_records{role="sink"} > 0`:                 "the sink's lag",
	} {
		if p.count(ctx, t, query) == 0 {
			t.Errorf("no %s scraped (%s)", what, query)
		}
	}

	if code := roles["sink"].Stop(30 * time.Second); code != 0 {
		t.Errorf("the sink exited with %d", code)
	}
	p.awaitAlert(ctx, t, "FloorwatchRoleDown", map[string]string{"role": "sink"})
	if p.firing(ctx, t, "FloorwatchRoleDown", map[string]string{"role": "ingest"}) {
		t.Error("FloorwatchRoleDown fires for ingest, which runs")
	}
	traffic()
}

// postTraffic posts platform events to ingest (config.yaml's acme API
// key) until the returned function is called: a batch of 200 every
// 200 ms, each event routing a conversation of its own.
func postTraffic(ctx context.Context, t *testing.T, base string) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for batch := 0; ; batch++ {
			var events []string
			now := time.Now().UTC().Format(time.RFC3339Nano)
			for i := range 200 {
				events = append(events, fmt.Sprintf(`{"id":"r-%d-%d","type":"conversation.routed","occurred_at":%q,`+
					`"conversation":{"channel":"whatsapp","account_id":"100000000000001","customer_id":"p%d-%d"},"team":"sales"}`,
					batch, i, now, batch, i))
			}
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v1/events",
				strings.NewReader(`{"events":[`+strings.Join(events, ",")+`]}`))
			req.Header.Set("Authorization", "Bearer dev-acme-api-key")
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return // ctx ended
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("POST /v1/events: %d %s", resp.StatusCode, body)
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(200 * time.Millisecond):
			}
		}
	}()
	return func() { cancel(); <-done }
}

// promServer is a Prometheus server run by a test.
type promServer struct{ base string }

// startPrometheus runs prometheus with a generated configuration: every
// role's metrics address as a target labelled with its role, scraped and
// evaluated every second, and rules as its rule file.
func startPrometheus(ctx context.Context, t *testing.T, bin string, targets map[string]string, rules []byte) *promServer {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "alerts.yaml"), rules, 0o600); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.WriteString("global: {scrape_interval: 1s, evaluation_interval: 1s}\nrule_files: [alerts.yaml]\nscrape_configs:\n  - job_name: floorwatch\n    static_configs:\n")
	for role, addr := range targets {
		fmt.Fprintf(&b, "      - {targets: [%q], labels: {role: %s}}\n", addr, role)
	}
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	cmd := exec.Command(bin, "--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"), "--web.listen-address="+addr)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("prometheus log:\n%s", log.String())
		}
	})
	p := &promServer{base: "http://" + addr}
	for {
		resp, err := http.Get(p.base + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case <-exited:
			t.Fatalf("prometheus exited:\n%s", log.String())
		case <-ctx.Done():
			t.Fatalf("prometheus never ready:\n%s", log.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (p *promServer) get(ctx context.Context, t *testing.T, path string, v any) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.base+path, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// awaitTargetsUp waits until n targets are scraped and up.
func (p *promServer) awaitTargetsUp(ctx context.Context, t *testing.T, n int) {
	t.Helper()
	for {
		var r struct {
			Data struct {
				ActiveTargets []struct {
					Health    string            `json:"health"`
					LastError string            `json:"lastError"`
					Labels    map[string]string `json:"labels"`
				} `json:"activeTargets"`
			} `json:"data"`
		}
		p.get(ctx, t, "/api/v1/targets", &r)
		up := 0
		for _, tg := range r.Data.ActiveTargets {
			if tg.Health == "up" {
				up++
			}
		}
		if up == n && len(r.Data.ActiveTargets) == n {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("targets never all up: %+v", r.Data.ActiveTargets)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// count returns how many series an instant query returns.
func (p *promServer) count(ctx context.Context, t *testing.T, query string) int {
	t.Helper()
	var r struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			Result []json.RawMessage `json:"result"`
		} `json:"data"`
	}
	p.get(ctx, t, "/api/v1/query?query="+url.QueryEscape(query), &r)
	if r.Status != "success" {
		t.Fatalf("query %s: %s", query, r.Error)
	}
	return len(r.Data.Result)
}

// firing reports whether alert is firing with the given labels.
func (p *promServer) firing(ctx context.Context, t *testing.T, alert string, labels map[string]string) bool {
	t.Helper()
	var r struct {
		Data struct {
			Alerts []struct {
				Labels map[string]string `json:"labels"`
				State  string            `json:"state"`
			} `json:"alerts"`
		} `json:"data"`
	}
	p.get(ctx, t, "/api/v1/alerts", &r)
	for _, a := range r.Data.Alerts {
		if a.Labels["alertname"] != alert || a.State != "firing" {
			continue
		}
		match := true
		for k, v := range labels {
			match = match && a.Labels[k] == v
		}
		if match {
			return true
		}
	}
	return false
}

func (p *promServer) awaitAlert(ctx context.Context, t *testing.T, alert string, labels map[string]string) {
	t.Helper()
	start := time.Now()
	for !p.firing(ctx, t, alert, labels) {
		select {
		case <-ctx.Done():
			var raw json.RawMessage
			p.get(context.Background(), t, "/api/v1/alerts", &raw)
			t.Fatalf("%s %v never fired; alerts: %s", alert, labels, raw)
		case <-time.After(250 * time.Millisecond):
		}
	}
	t.Logf("%s %v firing after %s", alert, labels, time.Since(start).Round(time.Millisecond))
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
