package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.yaml.in/yaml/v3"

	"github.com/floorwatch/floorwatch/api/alerts"
	"github.com/floorwatch/floorwatch/api/cases"
	"github.com/floorwatch/floorwatch/internal/testenv"
	"github.com/floorwatch/floorwatch/schemas"
)

// BenchmarkAlertRules times the alert evaluator on the live state: 1 000
// rules (20 per tenant, on every metric, per team and tenant-wide) over a
// desk of 100 000 open and 100 000 closed conversations across 50
// tenants (FLOORWATCH_BENCH_OPEN, FLOORWATCH_BENCH_TENANTS), the real
// evaluator owning every tenant through Kafka and reading ClickHouse as it
// does in the api role, back to back. One op is one round: every tenant's
// rules evaluated once, on one read of every tenant's queue health. Beside
// it, in the same run, its peer: GET /api/v1/teams, the console's
// queue-health read of one tenant, which runs the same queries. CPU is this process's (the evaluator) and the
// ClickHouse server's, per round.
func BenchmarkAlertRules(b *testing.B) {
	open := envInt(b, "FLOORWATCH_BENCH_OPEN", 100_000)
	tenants := int(envInt(b, "FLOORWATCH_BENCH_TENANTS", 50))
	conn := generatedDesk(b, Desk{Open: open, Closed: open, Tenants: tenants, Now: time.Now().UTC()})
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	b.Cleanup(rcv.Close)
	var ts []alerts.Tenant
	rules := 0
	for i := range tenants {
		t := alerts.Tenant{ID: Tenant(i), Policy: benchDirectory{}.Policy(Tenant(i)),
			Targets: []alerts.Target{{URL: rcv.URL, Secret: []byte("bench")}}}
		for j := range 1000 / tenants {
			r := schemas.AlertRule{Name: fmt.Sprintf("rule-%d", j), Metric: schemas.AlertMetrics[j%len(schemas.AlertMetrics)], Above: f64(1e9)}
			if r.Metric == schemas.AlertServiceLevel30m || r.Metric == schemas.AlertOperatorsAvailable {
				r.Above, r.Below = nil, f64(-1) // never crossed: every round does the whole work
			}
			if j%3 != 0 {
				r.Team = strPtr(fmt.Sprintf("team-%d", j%Teams))
			}
			t.Rules = append(t.Rules, r)
			rules++
		}
		ts = append(ts, t)
	}
	reg := prometheus.NewRegistry()
	m, err := alerts.NewMetrics(reg)
	if err != nil {
		b.Fatal(err)
	}
	compact := "compact"
	e, err := alerts.New(alerts.Options{Kafka: testenv.KafkaOptions(b), ClientID: "bench-alerts",
		Topic: testenv.CreateTopic(b, "bench-alerts", 4, map[string]*string{"cleanup.policy": &compact}),
		Group: testenv.UniqueName(b, "bench-alerts"), Tenants: ts, Source: cases.NewStore(conn),
		EvaluateEvery: time.Millisecond, NotifyTimeout: time.Second, RetryInitial: time.Second, RetryMax: time.Second,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Metrics: m})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := e.Run(ctx); err != nil {
			b.Error(err)
		}
	}()
	b.Cleanup(func() { cancel(); wg.Wait() })
	// Rounds of every tenant: once the evaluator owns every partition.
	rounds := func() float64 { return gathered(b, reg, "floorwatch_alerts_rounds_total") }
	owned := func() float64 { return gauge(b, reg, "floorwatch_alerts_partitions_owned") }
	for deadline := time.Now().Add(60 * time.Second); owned() < 4; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatal("the evaluator did not take every partition within 60 s")
		}
	}
	chPID := clickhousePIDs(b)

	b.ResetTimer()
	for r := rounds(); rounds() < r+1; time.Sleep(5 * time.Millisecond) { // a round begins
	}
	start, cpu0, ch0, done0 := time.Now(), processCPU(b), pidsCPU(chPID), rounds()
	for target := done0 + float64(b.N); rounds() < target; time.Sleep(5 * time.Millisecond) {
	}
	wall, cpu, chCPU, done := time.Since(start), processCPU(b)-cpu0, pidsCPU(chPID)-ch0, rounds()-done0
	b.StopTimer()
	cancel()
	wg.Wait()

	// The peer, in the same run: the console's queue-health read of the
	// same tenants, one after another.
	base := server(b, conn, benchDirectory{tenants: tenants})
	var peer []time.Duration
	for i := range 3 * tenants {
		d, _ := get(b, base, Tenant(i%tenants), "/api/v1/teams")
		peer = append(peer, d)
	}
	roundMs := float64(wall.Microseconds()) / 1000 / done
	b.ReportMetric(roundMs, "round_ms")
	b.ReportMetric(ms(testenv.Quantile(peer, 0.5)), "teams_read_p50_ms")
	b.ReportMetric(float64(cpu.Microseconds())/1000/done, "evaluator_cpu_ms/round")
	b.ReportMetric(float64(chCPU.Microseconds())/1000/done, "clickhouse_cpu_ms/round")
	fmt.Printf("alert rules: %d rules, %d tenants, %d open conversations: a round of every tenant %.0f ms "+
		"(peer: GET /api/v1/teams of one tenant, p50 %.1f ms); CPU a round: evaluator %.1f ms, ClickHouse %.0f ms\n",
		rules, tenants, open, roundMs, ms(testenv.Quantile(peer, 0.5)), float64(cpu.Microseconds())/1000/done, float64(chCPU.Microseconds())/1000/done)
}

// BenchmarkCrossingToNotification times an alert from the event that
// crosses a rule's threshold (ingest's 200) to the notification reaching
// the receiver, through the whole pipeline (`floorwatch all`, config.yaml
// with ten rules on sales' queue, above 0 to above 9, and the shipped
// alerting settings). Customers are routed to sales one at a time, each
// firing the next rule, then assigned one at a time, each resolving one:
// FLOORWATCH_BENCH_CROSSINGS crossings (default 20). It reports p50 and p99.
func BenchmarkCrossingToNotification(b *testing.B) {
	if os.Getenv(testenv.EnvClickHouseAddr) == "" || os.Getenv(testenv.EnvKafkaBrokers) == "" {
		b.Skip("FLOORWATCH_CLICKHOUSE_ADDR and FLOORWATCH_KAFKA_BROKERS are not set (deployments/local/services env)")
	}
	crossings := int(envInt(b, "FLOORWATCH_BENCH_CROSSINGS", 20))
	got := make(chan schemas.AlertNotification, 1024)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n schemas.AlertNotification
		if err := json.NewDecoder(r.Body).Decode(&n); err == nil {
			got <- n
		}
	}))
	b.Cleanup(rcv.Close)
	ingest := startAllWith(b, alertConfig(b, rcv.URL, crossings/2)).ingest
	var lat []time.Duration
	for n := range b.N {
		var customers []string
		cross := func(event string, want string) {
			start := time.Now()
			platformEvent(b, ingest, event)
			select {
			case a := <-got:
				if a.State != want {
					b.Fatalf("got %+v, want %s", a, want)
				}
				lat = append(lat, time.Since(start))
			case <-time.After(60 * time.Second):
				b.Fatalf("no %s notification within 60 s", want)
			}
		}
		for i := range crossings / 2 {
			c := fmt.Sprintf("alert-%d-%d", n, i)
			customers = append(customers, c)
			cross(fmt.Sprintf(`{"id":"%s-routed","type":"conversation.routed","occurred_at":%q,"team":"sales",`+
				`"conversation":{"channel":"whatsapp","account_id":"100000000000001","customer_id":%q}}`,
				c, time.Now().UTC().Add(-time.Second).Format(time.RFC3339Nano), c), schemas.AlertFiring)
		}
		for _, c := range customers {
			cross(fmt.Sprintf(`{"id":"%s-assigned","type":"conversation.assigned","occurred_at":%q,"operator":"ana",`+
				`"conversation":{"channel":"whatsapp","account_id":"100000000000001","customer_id":%q}}`,
				c, time.Now().UTC().Add(-time.Second).Format(time.RFC3339Nano), c), schemas.AlertResolved)
		}
	}
	b.StopTimer()
	b.ReportMetric(ms(testenv.Quantile(lat, 0.5)), "p50_ms")
	b.ReportMetric(ms(testenv.Quantile(lat, 0.99)), "p99_ms")
	fmt.Printf("crossing to notification: %d crossings, p50 %.0f ms, p99 %.0f ms\n", len(lat), ms(testenv.Quantile(lat, 0.5)), ms(testenv.Quantile(lat, 0.99)))
}

// alertConfig writes config.yaml with acme's sales always open and rules
// "sales queue above k" for k below rules, notifying url.
func alertConfig(b *testing.B, url string, rules int) string {
	raw, err := os.ReadFile("../../config.yaml")
	if err != nil {
		b.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		b.Fatal(err)
	}
	for _, tn := range doc["tenants"].([]any) {
		t := tn.(map[string]any)
		if t["id"] != "acme" {
			continue
		}
		delete(t, "business_hours")
		for _, team := range t["teams"].(map[string]any) {
			if tm, ok := team.(map[string]any); ok {
				delete(tm, "business_hours")
			}
		}
		var rs []any
		for k := range rules {
			rs = append(rs, map[string]any{"name": "sales-queue-" + strconv.Itoa(k), "team": "sales", "metric": "queue_length", "above": k})
		}
		t["alerts"] = map[string]any{"notify": []any{map[string]any{"url": url, "secret": "bench-alert-secret"}}, "rules": rs}
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "alerts.yaml")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		b.Fatal(err)
	}
	return path
}

func platformEvent(b *testing.B, ingest, event string) {
	if err := postPlatformEvent(ingest, event); err != nil {
		b.Fatal(err)
	}
}

// postPlatformEvent sends one platform event with acme's API key.
func postPlatformEvent(ingest, event string) error {
	req, _ := http.NewRequest(http.MethodPost, ingest+"/v1/events", strings.NewReader(`{"events":[`+event+`]}`))
	req.Header.Set("Authorization", "Bearer dev-acme-api-key")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("platform event: %d %s", resp.StatusCode, body)
	}
	return nil
}

func f64(v float64) *float64 { return &v }

func strPtr(s string) *string { return &s }

func gauge(b *testing.B, reg *prometheus.Registry, name string) float64 {
	mfs, err := reg.Gather()
	if err != nil {
		b.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name && len(mf.GetMetric()) > 0 {
			return mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	return 0
}

func gathered(b *testing.B, reg *prometheus.Registry, name string) float64 {
	mfs, err := reg.Gather()
	if err != nil {
		b.Fatal(err)
	}
	sum := 0.0
	for _, mf := range mfs {
		if mf.GetName() == name {
			for _, m := range mf.GetMetric() {
				sum += m.GetCounter().GetValue()
			}
		}
	}
	return sum
}

// processCPU is the user and system CPU time this process has used.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// clickhousePIDs are the processes serving the ClickHouse of the tests
// (their command line names its native port).
func clickhousePIDs(b *testing.B) []string {
	addr, _ := testenv.ClickHouse(b)
	port := addr[strings.LastIndex(addr, ":")+1:]
	var pids []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		cmd, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err == nil && strings.Contains(string(cmd), "clickhouse") && strings.Contains(string(cmd), "--tcp_port="+port) {
			pids = append(pids, e.Name())
		}
	}
	if len(pids) == 0 {
		fmt.Println("the ClickHouse server's process is not on this machine: its CPU reads 0")
	}
	return pids
}

// pidsCPU is the user and system CPU time of pids, from /proc (clock
// ticks of 10 ms).
func pidsCPU(pids []string) time.Duration {
	var total time.Duration
	for _, pid := range pids {
		stat, err := os.ReadFile("/proc/" + pid + "/stat")
		if err != nil {
			continue
		}
		f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+2:]))
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		total += time.Duration(ut+st) * 10 * time.Millisecond
	}
	return total
}
