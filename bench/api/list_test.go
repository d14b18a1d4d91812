package api

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/floorwatch/floorwatch/api"
	"github.com/floorwatch/floorwatch/api/cases"
	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/internal/publish"
	"github.com/floorwatch/floorwatch/internal/testenv"
	"github.com/floorwatch/floorwatch/schemas"
	sinkch "github.com/floorwatch/floorwatch/sinks/clickhouse"
	"github.com/floorwatch/floorwatch/sinks/report"
)

// benchDirectory knows the generated tenants: token "token-<tenant>"
// (long enough for config, never configured anywhere).
type benchDirectory struct{ tenants int }

func (d benchDirectory) SupervisorForToken(token string) (string, string, bool) {
	tenant, ok := strings.CutPrefix(token, "token-")
	return tenant, "bench", ok
}

func (d benchDirectory) Policy(tenant string) schemas.Policy {
	p := schemas.DefaultPolicy(tenant)
	p.Teams = map[string]schemas.TeamPolicy{"team-0": {ServiceLevelTarget: 2 * time.Minute}}
	return p
}

func (d benchDirectory) Channels(string) []schemas.Channel { return schemas.Channels }

func (d benchDirectory) AlertRules(string) []schemas.AlertRule { return nil }

// BenchmarkCaseList times GET /api/v1/cases (limit 50, the first page and
// the page after it) for every list, over a desk of 100 000 open and
// 100 000 closed conversations across 50 tenants
// (FLOORWATCH_BENCH_OPEN, FLOORWATCH_BENCH_TENANTS), each request for
// another tenant. It reports p50 and p99 over all requests, and p99 per list.
func BenchmarkCaseList(b *testing.B) {
	open := envInt(b, "FLOORWATCH_BENCH_OPEN", 100_000)
	tenants := int(envInt(b, "FLOORWATCH_BENCH_TENANTS", 50))
	conn := generatedDesk(b, Desk{Open: open, Closed: open, Tenants: tenants, Now: time.Now().UTC()})
	base := server(b, conn, benchDirectory{tenants: tenants})
	lists := []string{cases.ListCurrent, cases.ListQueued, cases.ListToRecover, cases.ListExpired, cases.ListAtRisk}
	per := map[string][]time.Duration{}
	var all []time.Duration
	b.ResetTimer()
	for n := range b.N {
		for i := range 100 {
			tenant := Tenant((n*100 + i) % tenants)
			list := lists[i%len(lists)]
			d, next := get(b, base, tenant, "/api/v1/cases?limit=50&list="+list)
			per[list] = append(per[list], d)
			all = append(all, d)
			if next != "" {
				d, _ = get(b, base, tenant, "/api/v1/cases?limit=50&list="+list+"&cursor="+next)
				per[list] = append(per[list], d)
				all = append(all, d)
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(ms(testenv.Quantile(all, 0.5)), "p50_ms")
	b.ReportMetric(ms(testenv.Quantile(all, 0.99)), "p99_ms")
	for _, l := range lists {
		b.ReportMetric(ms(testenv.Quantile(per[l], 0.99)), l+"_p99_ms")
	}
	// The console's other reads, for five tenants: what one refresh costs
	// beside the lists (the report of today is the heaviest by far).
	midnight := time.Now().UTC().Truncate(24 * time.Hour).Format(time.RFC3339)
	for _, r := range []struct{ name, path string }{
		{"operators", "/api/v1/operators"}, {"teams", "/api/v1/teams"},
		{"indicators", "/api/v1/indicators?from=" + midnight + "&to=" + time.Now().UTC().Format(time.RFC3339)},
	} {
		var ds []time.Duration
		for i := range min(5, tenants) {
			d, _ := get(b, base, Tenant(i), r.path)
			ds = append(ds, d)
		}
		b.ReportMetric(ms(testenv.Quantile(ds, 0.5)), r.name+"_p50_ms")
		fmt.Printf("%s: p50 %.1f ms, max %.1f ms over %d tenants\n", r.name, ms(testenv.Quantile(ds, 0.5)), ms(testenv.Quantile(ds, 1)), len(ds))
	}
	fmt.Printf("case lists over %d open conversations, %d tenants: %d requests, p50 %.1f ms, p99 %.1f ms\n",
		open, tenants, len(all), ms(testenv.Quantile(all, 0.5)), ms(testenv.Quantile(all, 0.99)))
}

func get(b *testing.B, base, tenant, path string) (time.Duration, string) {
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	req.Header.Set("Authorization", "Bearer token-"+tenant)
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("%s: %d %s", path, resp.StatusCode, body)
	}
	next := ""
	if i := strings.Index(string(body), `"next_cursor":"`); i >= 0 {
		rest := string(body)[i+len(`"next_cursor":"`):]
		next = rest[:strings.IndexByte(rest, '"')]
	}
	return took, next
}

// generatedDesk migrates a fresh database (dropped when b ends) and
// generates the desk in it.
func generatedDesk(b *testing.B, d Desk) driver.Conn {
	if os.Getenv(testenv.EnvClickHouseAddr) == "" || os.Getenv(testenv.EnvKafkaBrokers) == "" {
		b.Skip("FLOORWATCH_CLICKHOUSE_ADDR and FLOORWATCH_KAFKA_BROKERS are not set (deployments/local/services env)")
	}
	_, db := testenv.ClickHouseDatabase(b, "bench_api")
	addr, _ := testenv.ClickHouse(b)
	cfg := config.Default().ClickHouse
	cfg.Addr, cfg.Database = addr, db
	ctx := context.Background()
	if err := sinkch.Migrate(ctx, cfg, sinkch.MigrateOptions{}); err != nil {
		b.Fatal(err)
	}
	conn := testenv.ClickHouseConn(b, db)
	start := time.Now()
	if err := GenerateDesk(ctx, conn, d); err != nil {
		b.Fatal(err)
	}
	fmt.Printf("generated %d open and %d closed conversations over %d tenants in %s\n", d.Open, d.Closed, d.Tenants,
		time.Since(start).Round(time.Millisecond))
	return conn
}

// server is the API over conn (reads only: its producer is never used).
func server(b *testing.B, conn driver.Conn, dir api.Directory) string {
	m, err := api.NewMetrics(prometheus.NewRegistry())
	if err != nil {
		b.Fatal(err)
	}
	prod, err := publish.New(publish.Options{Kafka: testenv.KafkaOptions(b)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = prod.Close(context.Background()) })
	pub := api.KafkaPublisher{Producer: prod, Topic: "bench-unused"}
	srv, err := api.New(api.Options{Directory: dir, Store: cases.NewStore(conn), Publisher: pub, Metrics: m,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Report: func(ctx context.Context, from, to time.Time, by []string, tenant string) (schemas.Report, error) {
			return report.Build(ctx, conn, from, to, by, report.Filter{Tenant: tenant})
		}})
	if err != nil {
		b.Fatal(err)
	}
	h := httptest.NewServer(srv.Handler())
	b.Cleanup(h.Close)
	return h.URL
}

func envInt(b *testing.B, name string, def int64) int64 {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		b.Fatalf("%s=%q: want a positive number", name, v)
	}
	return n
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
