package testenv_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/floorwatch/floorwatch/internal/testenv"
)

// Baselines of the local services on this machine, for comparing the
// stages' own benchmarks against: raw produce throughput to one broker, and
// raw batched native inserts into ClickHouse, both with ~100-byte rows.

func BenchmarkKafkaProduce(b *testing.B) {
	topic := testenv.CreateTopic(b, "bench", 4, nil)
	cl := testenv.KafkaClient(b,
		kgo.DefaultProduceTopic(topic),
		kgo.ProducerLinger(5*time.Millisecond),
		kgo.ProducerBatchCompression(kgo.NoCompression()),
	)
	ctx := context.Background()
	value := make([]byte, 100)
	_, _ = rand.Read(value)
	// Outside the timing: metadata, producer ID and connections.
	if err := cl.ProduceSync(ctx, &kgo.Record{Value: value}).FirstErr(); err != nil {
		b.Fatal(err)
	}
	var failed error
	b.SetBytes(int64(len(value)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cl.Produce(ctx, &kgo.Record{Key: []byte(fmt.Sprint(i % 1000)), Value: value}, func(_ *kgo.Record, err error) {
			if err != nil && failed == nil {
				failed = err
			}
		})
	}
	if err := cl.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if failed != nil {
		b.Fatal(failed)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkClickHouseInsert(b *testing.B) {
	const batchSize = 10_000
	ctx := context.Background()
	conn, _ := testenv.ClickHouseDatabase(b, "bench")
	if err := conn.Exec(ctx, `CREATE TABLE rows (tenant LowCardinality(String), id UInt64,
		at DateTime64(3, 'UTC'), body String) ENGINE = MergeTree ORDER BY (tenant, at)`); err != nil {
		b.Fatal(err)
	}
	body := string(make([]byte, 64))
	now := time.Now().UTC()
	b.SetBytes(100)
	b.ResetTimer()
	for done := 0; done < b.N; {
		batch, err := conn.PrepareBatch(ctx, "INSERT INTO rows")
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < batchSize && done < b.N; i, done = i+1, done+1 {
			if err := batch.Append(fmt.Sprintf("t%d", done%8), uint64(done), now, body); err != nil {
				b.Fatal(err)
			}
		}
		if err := batch.Send(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
