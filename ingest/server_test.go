package ingest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/ingest"
	"github.com/floorwatch/floorwatch/internal/publish"
	"github.com/floorwatch/floorwatch/schemas"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// send posts (or gets) and returns the status and body.
func send(t *testing.T, method, url string, body []byte, kv ...string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		req.Header.Set(kv[i], kv[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func TestASignedWebhookIsAnswered200WithItsEventsInKafka(t *testing.T) {
	k := fakeKafka(t)
	brokers := k.ListenAddrs()
	s := startServer(t, newProducer(t, brokers), nil)
	wa := body(t, "whatsapp.json")

	status, resp, _ := send(t, "POST", s.URL+"/webhooks/whatsapp", wa, "X-Hub-Signature-256", metaSig(acmeWASecret, wa))
	if status != 200 {
		t.Fatalf("status %d %s, want 200", status, resp)
	}
	recs := records(t, brokers, schemas.TopicEvents)
	if len(recs) != 1 {
		t.Fatalf("%d records on %s, want 1", len(recs), schemas.TopicEvents)
	}
	if got, want := string(recs[0].Key), "acme|whatsapp|106540352242922|16505551234"; got != want {
		t.Errorf("key %q, want %q", got, want)
	}
	e, err := schemas.UnmarshalEvent(recs[0].Value)
	if err != nil || e.Kind != schemas.KindCustomerMessage || e.Tenant != "acme" {
		t.Errorf("record decodes to %+v, %v; want acme's customer message", e, err)
	}
	labels := map[string]string{"route": "/webhooks/whatsapp", "status": "200"}
	if n := counter(t, s.reg, "floorwatch_ingest_requests_total", labels); n != 1 {
		t.Errorf("requests_total%v = %v, want 1", labels, n)
	}
	pub := map[string]string{"channel": "whatsapp", "kind": "customer_message"}
	if n := counter(t, s.reg, "floorwatch_ingest_events_published_total", pub); n != 1 {
		t.Errorf("events_published_total%v = %v, want 1", pub, n)
	}
}

func TestPlatformEventsGoToTheirTopicsKeyedByConversationOrOperator(t *testing.T) {
	k := fakeKafka(t)
	brokers := k.ListenAddrs()
	s := startServer(t, newProducer(t, brokers), nil)

	status, resp, _ := send(t, "POST", s.URL+"/v1/events", body(t, "events.json"), "Authorization", "Bearer acme-key")
	if status != 200 || resp != `{"accepted":3}` {
		t.Fatalf("got %d %s, want 200 {\"accepted\":3}", status, resp)
	}
	if n := len(records(t, brokers, schemas.TopicEvents)); n != 2 {
		t.Errorf("%d conversation events, want 2", n)
	}
	ops := records(t, brokers, schemas.TopicOperatorStatus)
	if len(ops) != 1 || string(ops[0].Key) != "acme|ana" {
		t.Errorf("operator status records %v, want one keyed acme|ana", ops)
	}
}

func TestASignedUnparseableBodyIsAnswered200AndDeadLettered(t *testing.T) {
	k := fakeKafka(t)
	brokers := k.ListenAddrs()
	s := startServer(t, newProducer(t, brokers), nil)
	bad := body(t, "not_json.txt")

	status, _, _ := send(t, "POST", s.URL+"/webhooks/whatsapp", bad, "X-Hub-Signature-256", metaSig(acmeWASecret, bad),
		"Authorization", "Bearer secret")
	if status != 200 {
		t.Fatalf("status %d, want 200", status)
	}
	dls := records(t, brokers, schemas.TopicIngestDeadLetters)
	if len(dls) != 1 {
		t.Fatalf("%d dead letters, want 1", len(dls))
	}
	dl, err := schemas.UnmarshalDeadLetter(dls[0].Value)
	if err != nil || dl.Body != string(bad) || dl.Source != "/webhooks/whatsapp" || dl.Tenant != "acme" {
		t.Errorf("dead letter %+v, %v; want the raw body from acme's whatsapp route", dl, err)
	}
	if _, leaked := dl.Headers["Authorization"]; leaked {
		t.Error("dead letter keeps the Authorization header")
	}
	if n := endOffset(t, brokers, schemas.TopicEvents); n != 0 {
		t.Errorf("%d records on the events topic, want none", n)
	}
	dlm := map[string]string{"route": "/webhooks/whatsapp", "reason": "unparseable"}
	if n := counter(t, s.reg, "floorwatch_ingest_dead_letters_total", dlm); n != 1 {
		t.Errorf("dead_letters_total%v = %v, want 1", dlm, n)
	}
}

func TestHandshakesAreAnswered200(t *testing.T) {
	s := startServer(t, newProducer(t, fakeKafka(t).ListenAddrs()), nil)
	status, resp, h := send(t, "GET", s.URL+"/webhooks/messenger?hub.mode=subscribe&hub.verify_token=shared-verify&hub.challenge=1158201444", nil)
	if status != 200 || resp != "1158201444" || !strings.HasPrefix(h.Get("Content-Type"), "text/plain") {
		t.Errorf("Meta verification: %d %q %s, want 200 with the challenge as text/plain", status, resp, h.Get("Content-Type"))
	}
	status, resp, _ = send(t, "GET", s.URL+"/webhooks/x?crc_token=abc", nil)
	var crc struct {
		ResponseToken string `json:"response_token"`
	}
	if err := json.Unmarshal([]byte(resp), &crc); status != 200 || err != nil || crc.ResponseToken != xSig(acmeXSecret, []byte("abc")) {
		t.Errorf("X CRC: %d %s, want 200 with the response token", status, resp)
	}
}

// refusals: each answers its status and publishes nothing.
func TestRefusedRequestsPublishNothing(t *testing.T) {
	k := fakeKafka(t)
	brokers := k.ListenAddrs()
	s := startServer(t, newProducer(t, brokers), nil)
	wa := body(t, "whatsapp.json")
	cases := []struct {
		name, method, path string
		body               []byte
		header             []string
		want               int
	}{
		{"a missing signature", "POST", "/webhooks/whatsapp", wa, nil, 401},
		{"a bad signature", "POST", "/webhooks/whatsapp", wa, []string{"X-Hub-Signature-256", metaSig("guess", wa)}, 401},
		{"a missing API key", "POST", "/v1/events", body(t, "events.json"), nil, 401},
		{"a batch with a missing field", "POST", "/v1/events", body(t, "events_bad.json"), []string{"Authorization", "Bearer acme-key"}, 400},
		{"a wrong verify token", "GET", "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=no&hub.challenge=1", nil, nil, 403},
		{"an unknown path", "POST", "/webhooks/fax", wa, nil, 404},
		{"a wrong method", "DELETE", "/webhooks/x", nil, nil, 405},
		{"a body over the limit", "POST", "/webhooks/whatsapp", bytes.Repeat([]byte("a"), 5000), []string{"X-Hub-Signature-256", "sha256=00"}, 413},
	}
	for _, c := range cases {
		status, resp, _ := send(t, c.method, s.URL+c.path, c.body, c.header...)
		if status != c.want {
			t.Errorf("%s: status %d %s, want %d", c.name, status, resp, c.want)
		}
	}
	for _, topic := range schemas.NewTopics("").IngestTopics() {
		if n := endOffset(t, brokers, topic); n != 0 {
			t.Errorf("%d records on %s after refusals, want none", n, topic)
		}
	}
}

func TestABadFieldIsNamedInThe400(t *testing.T) {
	s := startServer(t, newProducer(t, fakeKafka(t).ListenAddrs()), nil)
	_, resp, _ := send(t, "POST", s.URL+"/v1/events", body(t, "events_bad.json"), "Authorization", "Bearer acme-key")
	if resp != `{"error":"required","field":"events[2].type"}` {
		t.Errorf("400 body %s, want it to name events[2].type", resp)
	}
}

func TestAStreamedBodyOverTheLimitIs413(t *testing.T) {
	s := startServer(t, newProducer(t, fakeKafka(t).ListenAddrs()), nil)
	// No Content-Length: the limit is found while reading.
	req, _ := http.NewRequest("POST", s.URL+"/webhooks/whatsapp", io.MultiReader(strings.NewReader(strings.Repeat("a", 5000))))
	req.ContentLength = -1
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 413 {
		t.Errorf("status %d, want 413", resp.StatusCode)
	}
}

func TestKafkaNotAnsweringIs503WithinThePublishTimeout(t *testing.T) {
	k := fakeKafka(t)
	k.ControlKey(int16(kmsg.Produce), func(kmsg.Request) (kmsg.Response, error, bool) {
		k.KeepControl()
		return nil, nil, true // swallow every produce request: no answer ever
	})
	s := startServer(t, newProducer(t, k.ListenAddrs()), func(o *ingest.ServerOptions) { o.PublishTimeout = 300 * time.Millisecond })
	wa := body(t, "whatsapp.json")
	start := time.Now()
	status, _, _ := send(t, "POST", s.URL+"/webhooks/whatsapp", wa, "X-Hub-Signature-256", metaSig(acmeWASecret, wa))
	if status != 503 {
		t.Errorf("status %d, want 503", status)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("answered after %v, want about the 300ms publish timeout", d)
	}
}

func TestKafkaDownIs503(t *testing.T) {
	k := fakeKafka(t)
	brokers := k.ListenAddrs()
	k.Close()
	s := startServer(t, newProducer(t, brokers), func(o *ingest.ServerOptions) { o.PublishTimeout = 300 * time.Millisecond })
	ig := body(t, "instagram.json")
	status, _, _ := send(t, "POST", s.URL+"/webhooks/instagram", ig, "X-Hub-Signature-256", metaSig(sharedMeta, ig))
	if status != 503 {
		t.Errorf("status %d, want 503", status)
	}
	if status, _, _ := send(t, "GET", s.URL+"/readyz", nil); status != 503 {
		t.Errorf("readyz %d with Kafka down, want 503", status)
	}
}

// gatedPublisher holds every Publish until the gate opens.
type gatedPublisher struct {
	ingest.Publisher
	entered chan struct{}
	gate    chan struct{}
}

func (g *gatedPublisher) Publish(ctx context.Context, msgs []publish.Message) error {
	g.entered <- struct{}{}
	<-g.gate
	return g.Publisher.Publish(ctx, msgs)
}

func TestASaturatedServerAnswers503WithRetryAfter(t *testing.T) {
	g := &gatedPublisher{Publisher: newProducer(t, fakeKafka(t).ListenAddrs()), entered: make(chan struct{}, 1), gate: make(chan struct{})}
	s := startServer(t, g, func(o *ingest.ServerOptions) { o.MaxInFlight, o.AdmitWait = 1, 20*time.Millisecond })
	wa := body(t, "whatsapp.json")
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if status, _, _ := send(t, "POST", s.URL+"/webhooks/whatsapp", wa, "X-Hub-Signature-256", metaSig(acmeWASecret, wa)); status != 200 {
			t.Errorf("the admitted request got %d, want 200", status)
		}
	}()
	<-g.entered // the only slot is taken
	status, _, h := send(t, "POST", s.URL+"/webhooks/whatsapp", wa, "X-Hub-Signature-256", metaSig(acmeWASecret, wa))
	close(g.gate)
	wg.Wait()
	if status != 503 || h.Get("Retry-After") == "" {
		t.Errorf("saturated: %d Retry-After=%q, want 503 with Retry-After", status, h.Get("Retry-After"))
	}
}

func TestReadyWhenKafkaHasTheTopics(t *testing.T) {
	s := startServer(t, newProducer(t, fakeKafka(t).ListenAddrs()), nil)
	for _, path := range []string{"/healthz", "/readyz"} {
		if status, resp, _ := send(t, "GET", s.URL+path, nil); status != 200 {
			t.Errorf("%s: %d %s, want 200", path, status, resp)
		}
	}
}
