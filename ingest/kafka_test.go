package ingest_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/ingest"
	"github.com/floorwatch/floorwatch/internal/publish"
	"github.com/floorwatch/floorwatch/schemas"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// fakeKafka starts an in-process Kafka with ingest's topics.
func fakeKafka(t *testing.T, opts ...kfake.Opt) *kfake.Cluster {
	t.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{kfake.NumBrokers(1),
		kfake.SeedTopics(3, schemas.NewTopics("").IngestTopics()...)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func newProducer(t *testing.T, brokers []string) *publish.Producer {
	t.Helper()
	p, err := publish.New(publish.Options{Kafka: []kgo.Opt{kgo.SeedBrokers(brokers...)}, ClientID: "ingest-test", Linger: time.Millisecond,
		Extra: []kgo.Opt{kgo.RetryTimeout(2 * time.Second)}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = p.Close(ctx)
	})
	return p
}

// testServer is an ingest server on an httptest listener.
type testServer struct {
	*httptest.Server
	reg *prometheus.Registry
}

// startServer serves a verifying Decoder of testdata/tenants.yaml through
// pub; mod adjusts the options.
func startServer(t *testing.T, pub ingest.Publisher, mod func(*ingest.ServerOptions)) *testServer {
	t.Helper()
	reg := prometheus.NewRegistry()
	m, err := ingest.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	opts := ingest.ServerOptions{Decoder: newDecoder(t, true), Publisher: pub, Topics: schemas.NewTopics(""),
		Metrics: m, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PublishTimeout: 2 * time.Second}
	if mod != nil {
		mod(&opts)
	}
	s, err := ingest.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	return &testServer{Server: hs, reg: reg}
}

// records reads every record of topic from the start.
func records(t *testing.T, brokers []string, topic string) []*kgo.Record {
	t.Helper()
	want := endOffset(t, brokers, topic)
	if want == 0 {
		return nil
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out []*kgo.Record
	for int64(len(out)) < want {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("read %s: got %d of %d records: %v", topic, len(out), want, err)
		}
		out = append(out, fs.Records()...)
	}
	return out
}

// endOffset sums the end offsets of topic's partitions: how many records
// were ever written to it.
func endOffset(t *testing.T, brokers []string, topic string) int64 {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ends, err := kadm.NewClient(cl).ListEndOffsets(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	ends.Each(func(o kadm.ListedOffset) { n += o.Offset })
	return n
}

// counter returns the value of the series of name with exactly labels.
func counter(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if labelsMatch(m.GetLabel(), labels) {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

func labelsMatch(got []*dto.LabelPair, want map[string]string) bool {
	if len(got) != len(want) {
		return false
	}
	for _, lp := range got {
		if want[lp.GetName()] != lp.GetValue() {
			return false
		}
	}
	return true
}
