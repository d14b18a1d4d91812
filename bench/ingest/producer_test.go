package ingest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
	segkafka "github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kgo"
)

// chunk is how many records each client is given per call, the same for
// both: a full HTTP request's worth would be 1-10, so this measures the
// producer path at a throughput where batching matters.
const chunk = 500

// BenchmarkProducerFranzVsKafkaGo writes the same event records (key by
// conversation, JSON value) to the same broker with franz-go (ingest's
// producer: acks=all, idempotent) and segmentio/kafka-go (acks=all; it has
// no idempotent producer), alternating chunks within one run, and reports
// each one's records/s and their ratio.
func BenchmarkProducerFranzVsKafkaGo(b *testing.B) {
	seeds := brokers(b)
	franzTopic, segTopic := benchTopic(b, seeds, "franz", 6), benchTopic(b, seeds, "kafkago", 6)
	keys, values := sampleRecords(b, 4096)

	franz, err := kgo.NewClient(kgo.SeedBrokers(seeds...), kgo.RequiredAcks(kgo.AllISRAcks()), kgo.DefaultProduceTopic(franzTopic))
	if err != nil {
		b.Fatal(err)
	}
	defer franz.Close()
	seg := &segkafka.Writer{Addr: segkafka.TCP(seeds...), Topic: segTopic, Balancer: &segkafka.Hash{},
		RequiredAcks: segkafka.RequireAll, BatchSize: chunk, BatchTimeout: time.Millisecond,
		// Its own transport: the shared default caches metadata from before the topic existed.
		Transport: &segkafka.Transport{}}
	defer seg.Close()

	ctx := context.Background()
	frecs := make([]*kgo.Record, chunk)
	smsgs := make([]segkafka.Message, chunk)
	i := 0
	round := func() (franzTime, segTime time.Duration) {
		for j := range chunk {
			k := (i + j) % len(keys)
			frecs[j] = &kgo.Record{Key: keys[k], Value: values[k]}
			smsgs[j] = segkafka.Message{Key: keys[k], Value: values[k]}
		}
		i += chunk
		t0 := time.Now()
		if err := franz.ProduceSync(ctx, frecs...).FirstErr(); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := seg.WriteMessages(ctx, smsgs...); err != nil {
			b.Fatal(err)
		}
		return t1.Sub(t0), time.Since(t1)
	}
	round() // connections, metadata and producer id are not what is measured
	var franzTime, segTime time.Duration
	b.ResetTimer()
	for b.Loop() {
		f, s := round()
		franzTime, segTime = franzTime+f, segTime+s
	}
	n := float64(b.N * chunk)
	fr, sr := n/franzTime.Seconds(), n/segTime.Seconds()
	b.ReportMetric(fr, "franz-rec/s")
	b.ReportMetric(sr, "kafkago-rec/s")
	b.ReportMetric(fr/sr, "franz/kafkago")
}

// sampleRecords returns n event records of distinct conversations, encoded
// as ingest encodes them.
func sampleRecords(b *testing.B, n int) (keys, values [][]byte) {
	at := schemas.At(time.Date(2026, 11, 20, 9, 0, 5, 0, time.UTC))
	for i := range n {
		e := schemas.Event{V: schemas.EventVersion, Kind: schemas.KindCustomerMessage, ID: fmt.Sprintf("wamid.%040d", i),
			Tenant: "acme", Channel: schemas.WhatsApp, AccountID: "106540352242922", CustomerID: fmt.Sprintf("1650555%04d", i),
			MessageID: fmt.Sprintf("wamid.%040d", i), OccurredAt: at, ReceivedAt: at,
			Text: "Does it come in another color? Café or crème 😀", ContentType: "text"}
		v, err := schemas.MarshalEvent(&e)
		if err != nil {
			b.Fatal(err)
		}
		keys, values = append(keys, []byte(e.Key().String())), append(values, v)
	}
	return keys, values
}
