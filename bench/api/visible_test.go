package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/internal/testenv"
)

// BenchmarkActionToVisible times a supervisor's transfer from the POST
// to the moment GET /api/v1/cases shows the case in its new team's queue,
// through the whole pipeline (`floorwatch all` with config.yaml on the
// real Kafka and ClickHouse: API → Kafka → processors → sink →
// ClickHouse → API). FLOORWATCH_BENCH_ACTIONS transfers (default 20), one
// at a time; it reports p50 and p99. The lists are polled every 20 ms.
func BenchmarkActionToVisible(b *testing.B) {
	if os.Getenv(testenv.EnvClickHouseAddr) == "" || os.Getenv(testenv.EnvKafkaBrokers) == "" {
		b.Skip("FLOORWATCH_CLICKHOUSE_ADDR and FLOORWATCH_KAFKA_BROKERS are not set (deployments/local/services env)")
	}
	actions := int(envInt(b, "FLOORWATCH_BENCH_ACTIONS", 20))
	ingest, apiBase := startAll(b)
	var lat []time.Duration
	for n := range b.N {
		b.StopTimer()
		ids := openCases(b, ingest, apiBase, fmt.Sprintf("bench-%d", n), actions)
		b.StartTimer()
		for i, id := range ids {
			body := fmt.Sprintf(`{"to_team":"support","idempotency_key":"bench-%d-%d"}`, n, i)
			start := time.Now()
			if status, resp := call(b, apiBase, http.MethodPost, "/api/v1/cases/"+id+"/transfer", body); status != http.StatusAccepted {
				b.Fatalf("transfer: %d %s", status, resp)
			}
			for deadline := start.Add(60 * time.Second); !queuedIn(b, apiBase, "support", id); time.Sleep(20 * time.Millisecond) {
				if time.Now().After(deadline) {
					b.Fatalf("case %s did not show in support's queue within 60 s", id)
				}
			}
			lat = append(lat, time.Since(start))
		}
	}
	b.StopTimer()
	b.ReportMetric(ms(testenv.Quantile(lat, 0.5)), "p50_ms")
	b.ReportMetric(ms(testenv.Quantile(lat, 0.99)), "p99_ms")
	fmt.Printf("action to visible: %d transfers, p50 %.0f ms, p99 %.0f ms\n", len(lat), ms(testenv.Quantile(lat, 0.5)), ms(testenv.Quantile(lat, 0.99)))
}

const supervisorToken = "dev-acme-supervisor-sam" // config.yaml's development token

func call(b *testing.B, base, method, path, body string) (int, []byte) {
	status, out, err := request(method, base+path, body)
	if err != nil {
		b.Fatal(err)
	}
	return status, out
}

// request sends a supervisor's request (with its token) and returns the
// answer's status and body.
func request(method, url, body string) (int, []byte, error) {
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+supervisorToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return resp.StatusCode, out, err
}

func queued(b *testing.B, base, team string) map[string]string {
	q, err := queuedCases(base, team)
	if err != nil {
		b.Fatal(err)
	}
	return q
}

// queuedCases maps the customer of each case in team's queue (first 500)
// to its conversation id.
func queuedCases(base, team string) (map[string]string, error) {
	status, body, err := request(http.MethodGet, base+"/api/v1/cases?list=queued&limit=500&team="+team, "")
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("queued: %d %s", status, body)
	}
	var page struct {
		Cases []struct {
			ConversationID string `json:"conversation_id"`
			CustomerID     string `json:"customer_id"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, c := range page.Cases {
		out[c.CustomerID] = c.ConversationID
	}
	return out, nil
}

func queuedIn(b *testing.B, base, team, id string) bool {
	for _, got := range queued(b, base, team) {
		if got == id {
			return true
		}
	}
	return false
}

// openCases routes n new conversations to sales through ingest's platform
// API and returns their ids once the API lists them.
func openCases(b *testing.B, ingest, apiBase, run string, n int) []string {
	var events []string
	customers := make([]string, n)
	at := time.Now().UTC().Add(-time.Second).Format(time.RFC3339Nano)
	for i := range n {
		customers[i] = fmt.Sprintf("%s-%d", run, i)
		events = append(events, fmt.Sprintf(`{"id":"%s-routed","type":"conversation.routed","occurred_at":%q,"team":"sales",`+
			`"conversation":{"channel":"whatsapp","account_id":"100000000000001","customer_id":%q}}`, customers[i], at, customers[i]))
	}
	req, _ := http.NewRequest(http.MethodPost, ingest+"/v1/events", strings.NewReader(`{"events":[`+strings.Join(events, ",")+`]}`))
	req.Header.Set("Authorization", "Bearer dev-acme-api-key")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("platform events: %d %s", resp.StatusCode, body)
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		q := queued(b, apiBase, "sales")
		var ids []string
		for _, c := range customers {
			if id, ok := q[c]; ok {
				ids = append(ids, id)
			}
		}
		if len(ids) == n {
			return ids
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d routed cases in the API after 60 s", len(ids), n)
		}
	}
}

// startAll builds floorwatch and runs `floorwatch all` with config.yaml
// on a fresh database and topic prefix; it is stopped (SIGTERM) when b
// ends. It returns the ingest and API base URLs.
func startAll(b *testing.B) (ingest, apiBase string) {
	p := startAllWith(b, "../../config.yaml")
	return p.ingest, p.api
}

// pipeline is a running `floorwatch all`: its ingest and API base URLs
// and its ClickHouse database.
type pipeline struct{ ingest, api, database string }

// startAllWith is startAll with the configuration file cfg.
func startAllWith(b *testing.B, cfg string) pipeline {
	name, env := testenv.PipelineEnv(b, "bench_visible")
	admin := testenv.ClickHouseConn(b, "")
	b.Cleanup(func() { _ = admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" SYNC") })
	all := testenv.StartFloorwatch(b, testenv.BuildFloorwatch(b, ""),
		append(env, "FLOORWATCH_METRICS_LISTEN=", "FLOORWATCH_LOG_FORMAT=json"),
		"all", "--config", cfg, "--instance", "bench", "--topic-prefix", name+".")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	listening := func(role string) string {
		return "http://" + all.Await(ctx, b, role+" listening")["addr"].(string)
	}
	return pipeline{ingest: listening("ingest"), api: listening("api"), database: name}
}
