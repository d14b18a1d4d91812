package clickhouse

import (
	"context"
	"fmt"
	"strings"
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
				if err := InsertRows(ctx, conn, rowsOfMetrics(b, values), fmt.Sprintf("bench/%d", i)); err != nil {
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
// the sink's start to the last row visible). Its peer, in the same run, is
// a bare clickhouse-go batch insert of the same rows (already decoded, in
// blocks of batch_rows, one after another, no Kafka and no deduplication
// token) into a fresh database: bare-rows/s and sink/bare, both counted
// in records.
func BenchmarkSinkEndToEnd(b *testing.B) {
	const records = 200_000
	for _, rows := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("batch_rows=%d", rows), func(b *testing.B) {
			var total, bare time.Duration
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
				bare += bareInsert(b, values, rows)
				b.StartTimer()
			}
			b.ReportMetric(float64(records*b.N)/total.Seconds(), "rows/s")
			b.ReportMetric(float64(records*b.N)/bare.Seconds(), "bare-rows/s")
			b.ReportMetric(bare.Seconds()/total.Seconds(), "sink/bare")
		})
	}
}

// bareInsert writes the rows of values into a fresh database's tables
// with clickhouse-go alone (PrepareBatch, AppendStruct, Send per block of
// batch rows) and returns how long the inserts took.
func bareInsert(b *testing.B, values [][]byte, batch int) time.Duration {
	conn := testenv.ClickHouseConn(b, testDatabase(b).Database)
	all := rowsOfMetrics(b, values)
	ctx := context.Background()
	start := time.Now()
	for i := 0; i < len(all); i += batch {
		block := all[i:min(i+batch, len(all))]
		bt, err := conn.PrepareBatch(ctx, "INSERT INTO "+block[0].Table+" ("+strings.Join(columns(block[0].Table), ", ")+")")
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range block {
			if r.Table != block[0].Table {
				b.Fatalf("metric records give rows of %s and %s", block[0].Table, r.Table)
			}
			if err := bt.AppendStruct(r.Value); err != nil {
				b.Fatal(err)
			}
		}
		if err := bt.Send(); err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start)
}

// rowsOfMetrics are the rows of the MetricDelta records values.
func rowsOfMetrics(b *testing.B, values [][]byte) []Row {
	var all []Row
	for _, v := range values {
		rs, err := Rows(schemas.TopicMetrics, v)
		if err != nil {
			b.Fatal(err)
		}
		all = append(all, rs...)
	}
	return all
}
