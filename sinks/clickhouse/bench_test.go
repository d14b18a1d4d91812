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
					rs, err := Rows(schemas.TopicMetrics, v, nil)
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
