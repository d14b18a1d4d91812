package ingest_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"sort"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/ingest"
	"github.com/floorwatch/floorwatch/internal/testenv"
	"github.com/floorwatch/floorwatch/schemas"
	"github.com/prometheus/client_golang/prometheus"
)

// TestIngestAgainstARealBroker runs the server against real Kafka: a signed
// body of each platform, a platform events batch and an unparseable body,
// each read back from its topic with its key and JSON content.
func TestIngestAgainstARealBroker(t *testing.T) {
	brokers := testenv.KafkaBrokers(t)
	topics := testenv.Topics(t, 3)
	url := runServer(t, brokers, topics)

	wa, ms, ig, x := body(t, "whatsapp.json"), body(t, "messenger.json"), body(t, "instagram.json"), body(t, "x.json")
	bad := body(t, "not_json.txt")
	posts := []struct {
		path string
		body []byte
		kv   []string
	}{
		{"/webhooks/whatsapp", wa, []string{"X-Hub-Signature-256", metaSig(acmeWASecret, wa)}},
		{"/webhooks/messenger", ms, []string{"X-Hub-Signature-256", metaSig(sharedMeta, ms)}},
		{"/webhooks/instagram", ig, []string{"X-Hub-Signature-256", metaSig(sharedMeta, ig)}},
		{"/webhooks/x", x, []string{"X-Twitter-Webhooks-Signature", xSig(acmeXSecret, x)}},
		{"/v1/events", body(t, "events.json"), []string{"Authorization", "Bearer acme-key"}},
		{"/webhooks/whatsapp", bad, []string{"X-Hub-Signature-256", metaSig(acmeWASecret, bad)}},
	}
	for _, p := range posts {
		if status, resp, _ := send(t, "POST", url+p.path, p.body, p.kv...); status != 200 {
			t.Fatalf("POST %s: %d %s, want 200", p.path, status, resp)
		}
	}

	var keys []string
	for _, r := range records(t, brokers, topics.Events) {
		e, err := schemas.UnmarshalEvent(r.Value)
		if err != nil {
			t.Fatalf("record of %s: %v", topics.Events, err)
		}
		if string(r.Key) != e.Key().String() {
			t.Errorf("record keyed %q holds an event of conversation %q", r.Key, e.Key().String())
		}
		keys = append(keys, string(e.Kind)+" "+string(r.Key))
	}
	sort.Strings(keys)
	want := []string{
		"conversation.assigned acme|whatsapp|106540352242922|16505551234",
		"conversation.routed acme|whatsapp|106540352242922|16505551234",
		"customer_message acme|instagram|17841400000000001|6000000000000001",
		"customer_message acme|messenger|1000000000000001|7000000000000001",
		"customer_message acme|whatsapp|106540352242922|16505551234",
		"customer_message acme|x|1580000000000000001|3001969357",
	}
	if len(keys) != len(want) {
		t.Fatalf("events topic holds\n%q\nwant\n%q", keys, want)
	}
	for i := range want {
		if keys[i] != want[i] {
			t.Errorf("event %d: %q, want %q", i, keys[i], want[i])
		}
	}
	ops := records(t, brokers, topics.OperatorStatus)
	if len(ops) != 1 || string(ops[0].Key) != schemas.OperatorKey("acme", "ana") {
		t.Errorf("operator status topic holds %d records, want one keyed acme|ana", len(ops))
	}
	dls := records(t, brokers, topics.IngestDeadLetters)
	if len(dls) != 1 {
		t.Fatalf("dead-letter topic holds %d records, want 1", len(dls))
	}
	if dl, err := schemas.UnmarshalDeadLetter(dls[0].Value); err != nil || dl.Body != string(bad) {
		t.Errorf("dead letter %+v, %v; want the raw body", dl, err)
	}
}

// runServer serves ingest on a loopback port until the test ends and
// returns its base URL.
func runServer(t *testing.T, brokers []string, topics schemas.Topics) string {
	t.Helper()
	prod := newProducer(t, brokers)
	m, err := ingest.NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	s, err := ingest.NewServer(ingest.ServerOptions{Decoder: newDecoder(t, true), Publisher: prod, Topics: topics,
		Metrics: m, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PublishTimeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}
