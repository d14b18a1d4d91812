package clickhouse

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/internal/testenv"
	"github.com/floorwatch/floorwatch/schemas"
)

// BenchmarkInsertMetricBatches measures the sink's write path (row
// mapping, encoding, one deduplicated block per batch) into the real engine.
func BenchmarkInsertMetricBatches(b *testing.B) {
	for _, rows := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			cfg := testDatabase(b)
			conn := testenv.ClickHouseConn(b, cfg.Database)
			values := deltas(rows, t0)
			ctx := context.Background()
			b.ResetTimer()
			start := time.Now()
			for i := range b.N {
				var all []Row
				for _, v := range values {
					rs, err := Rows(schemas.TopicMetrics, v)
					if err != nil {
						b.Fatal(err)
					}
					all = append(all, rs...)
				}
				if err := InsertRows(ctx, conn, all, fmt.Sprintf("bench/%d", i)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows*b.N)/time.Since(start).Seconds(), "rows/s")
		})
	}
}

// BenchmarkSinkEndToEnd measures the whole sink path: MetricDelta records
// already in a 4-partition topic, a sink consuming, planning, inserting
// and committing them, until every row is in metrics_minute (rows/s from
// the sink's start to the last row visible).
func BenchmarkSinkEndToEnd(b *testing.B) {
	const records = 200_000
	for _, rows := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("batch_rows=%d", rows), func(b *testing.B) {
			var total time.Duration
			for b.Loop() {
				b.StopTimer()
				f := newFixture(b, 4)
				values := deltas(records, t0)
				for i := 0; i < len(values); i += 10000 {
					f.produce(schemas.TopicMetrics, values[i:min(i+10000, len(values))]...)
				}
				b.StartTimer()
				start := time.Now()
				stop := f.start(f.options(rows), f.conn)
				for f.count("SELECT sum(opened) FROM metrics_minute") < records {
					if time.Since(start) > 5*time.Minute {
						b.Fatal("the sink did not write every record within 5 minutes")
					}
					time.Sleep(20 * time.Millisecond)
				}
				total += time.Since(start)
				b.StopTimer()
				if err := stop(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(records*b.N)/total.Seconds(), "rows/s")
		})
	}
}
