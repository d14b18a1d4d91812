package clickhouse

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/deployments/grafana"
	"github.com/floorwatch/floorwatch/internal/testenv"
	sinkch "github.com/floorwatch/floorwatch/sinks/clickhouse"
)

// runs is how many times each query runs; the median is reported.
const runs = 5

// benchScale reads FLOORWATCH_BENCH_EVENTS (raw events; default 10M).
func benchScale(b *testing.B) Scale {
	n := int64(10_000_000)
	if v := os.Getenv("FLOORWATCH_BENCH_EVENTS"); v != "" {
		var err error
		if n, err = strconv.ParseInt(v, 10, 64); err != nil || n < 10 {
			b.Fatalf("FLOORWATCH_BENCH_EVENTS=%q: want a number of events >= 10", v)
		}
	}
	return Scale{Events: n, Days: 30, End: time.Now().UTC().Truncate(time.Minute)}
}

// generated migrates a fresh database (dropped when b ends), fills it at
// scale s and returns a connection to it.
func generated(b *testing.B, s Scale) driver.Conn {
	if os.Getenv("FLOORWATCH_CLICKHOUSE_ADDR") == "" {
		b.Skip("FLOORWATCH_CLICKHOUSE_ADDR is not set (deployments/local/services env)")
	}
	_, db := testenv.ClickHouseDatabase(b, "bench")
	addr, _ := testenv.ClickHouse(b)
	cfg := config.Default().ClickHouse
	cfg.Addr, cfg.Database = addr, db
	ctx := context.Background()
	if err := sinkch.Migrate(ctx, cfg, sinkch.MigrateOptions{}); err != nil {
		b.Fatal(err)
	}
	conn := testenv.ClickHouseConn(b, db)
	// One INSERT … SELECT of 100 M rows runs for minutes without sending
	// a packet: longer than the driver's read timeout (5 min).
	opts := testenv.ClickHouseOptions(b, db)
	opts.ReadTimeout = time.Hour
	gen, err := ch.Open(opts)
	if err != nil {
		b.Fatal(err)
	}
	defer gen.Close()
	start := time.Now()
	took, err := Generate(ctx, gen, s)
	if err != nil {
		b.Fatal(err)
	}
	fmt.Printf("generated %d raw events (%d conversations, %d days) in %s:\n", s.Events, s.Conversations(), s.Days,
		time.Since(start).Round(time.Second))
	for _, t := range []string{"events", "conversations", "status_history", "durations", "metrics_minute", "gauges"} {
		var rows uint64
		if err := conn.QueryRow(ctx, "SELECT count() FROM "+t).Scan(&rows); err != nil {
			b.Fatal(err)
		}
		fmt.Printf("  %-15s %11d rows  %6s\n", t, rows, took[t].Round(100*time.Millisecond))
	}
	return conn
}

// timing is the median latency of a query over runs and the rows it read.
type timing struct {
	median time.Duration
	rows   uint64
}

func measure(ctx context.Context, conn driver.Conn, sql string) (timing, error) {
	var ds []time.Duration
	var rows atomic.Uint64
	for i := range runs {
		rows.Store(0)
		qctx := ch.Context(ctx, ch.WithSettings(ch.Settings{"use_query_cache": 0}),
			ch.WithProgress(func(p *ch.Progress) { rows.Add(p.Rows) }))
		start := time.Now()
		r, err := conn.Query(qctx, sql)
		if err != nil {
			return timing{}, err
		}
		for r.Next() {
		}
		err = r.Err()
		r.Close()
		if err != nil {
			return timing{}, err
		}
		if i > 0 || runs == 1 { // the first run warms the caches
			ds = append(ds, time.Since(start))
		}
	}
	slices.Sort(ds)
	return timing{median: ds[len(ds)/2], rows: rows.Load()}, nil
}

// BenchmarkDashboardPanels times every Grafana panel's query over generated
// data (FLOORWATCH_BENCH_EVENTS raw events, default 10M, over 30 days) and
// the same indicator computed from the raw events, and prints both. It
// reports the slowest panel's median (slowest_panel_ms) and the slowest of
// the raw computations (slowest_raw_ms).
func BenchmarkDashboardPanels(b *testing.B) {
	s := benchScale(b)
	conn := generated(b, s)
	ds, err := grafana.Load(os.DirFS("../../deployments/grafana/dashboards"))
	if err != nil {
		b.Fatal(err)
	}
	from, to, iv := s.Start(), s.End, time.Hour
	fromSQL := fmt.Sprintf("fromUnixTimestamp64Milli(%d, 'UTC')", from.UnixMilli())
	toSQL := fmt.Sprintf("fromUnixTimestamp64Milli(%d, 'UTC')", to.UnixMilli())
	ctx := context.Background()
	fmt.Printf("\nrange %s .. %s (%d days), interval %s, median of %d runs after a warm-up\n",
		from.Format(time.RFC3339), to.Format(time.RFC3339), s.Days, iv, runs-1)
	fmt.Printf("%-52s %12s %10s %12s %10s %8s\n", "panel", "rows read", "latency", "raw rows", "raw", "ratio")
	var slowest, slowestRaw time.Duration
	for b.Loop() {
		for _, d := range ds {
			for _, p := range d.Panels {
				t, err := measure(ctx, conn, grafana.Expand(p.SQL(), from, to, iv))
				if err != nil {
					b.Fatalf("%s: %v", p.Title, err)
				}
				slowest = max(slowest, t.median)
				raw, ok := rawQuery(p.Title, fromSQL, toSQL, fmt.Sprint(int(iv.Seconds())))
				if !ok {
					fmt.Printf("%-52.52s %12d %10s %12s %10s %8s\n", p.Title, t.rows, ms(t.median), "-", "-", "-")
					continue
				}
				rt, err := measure(ctx, conn, raw)
				if err != nil {
					b.Fatalf("%s (raw): %v\n%s", p.Title, err, raw)
				}
				slowestRaw = max(slowestRaw, rt.median)
				fmt.Printf("%-52.52s %12d %10s %12d %10s %7.1fx\n", p.Title, t.rows, ms(t.median), rt.rows, ms(rt.median),
					float64(rt.median)/float64(t.median))
			}
		}
	}
	b.ReportMetric(float64(slowest.Microseconds())/1000, "slowest_panel_ms")
	b.ReportMetric(float64(slowestRaw.Microseconds())/1000, "slowest_raw_ms")
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
