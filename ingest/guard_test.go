package ingest_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/floorwatch/floorwatch/ingest"
	"github.com/floorwatch/floorwatch/internal/publish"
	"github.com/floorwatch/floorwatch/internal/ratelimit"
	"github.com/floorwatch/floorwatch/schemas"
)

// limitedServer is a server whose failed authentications are throttled
// (burst 3, 6 a minute), on a clock the test moves.
func limitedServer(t *testing.T) (*testServer, *ingest.Server, *time.Time, []string) {
	t.Helper()
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	k := fakeKafka(t)
	var srv *ingest.Server
	s := startServer(t, newProducer(t, k.ListenAddrs()), func(o *ingest.ServerOptions) {
		reg := prometheus.NewRegistry()
		m, err := ingest.NewMetrics(reg)
		if err != nil {
			t.Fatal(err)
		}
		l, err := ratelimit.New(ratelimit.Options{PerMinute: 6, Burst: 3, Now: func() time.Time { return now }}, reg, "ingest")
		if err != nil {
			t.Fatal(err)
		}
		o.Metrics, o.AuthLimiter = m, l
		var err2 error
		srv, err2 = ingest.NewServer(*o)
		if err2 != nil {
			t.Fatal(err2)
		}
		limitedRegistry = reg
	})
	return s, srv, &now, k.ListenAddrs()
}

// limitedRegistry is the registry of the last limitedServer.
var limitedRegistry *prometheus.Registry

func TestGuessingAPIKeysFromOneAddressIsThrottledWith429AndCounted(t *testing.T) {
	s, srv, now, brokers := limitedServer(t)
	events := body(t, "events.json")
	for i := range 3 {
		if status, _, _ := send(t, "POST", s.URL+"/v1/events", events, "Authorization", "Bearer guess-"+strconv.Itoa(i)); status != 401 {
			t.Fatalf("guess %d: status %d, want 401", i+1, status)
		}
	}
	// The burst is spent: even the right key gets 429 now, unchecked.
	status, resp, h := send(t, "POST", s.URL+"/v1/events", events, "Authorization", "Bearer acme-key")
	if status != 429 || h.Get("Retry-After") != "10" {
		t.Fatalf("after 3 bad keys: %d %s Retry-After=%q, want 429 with Retry-After 10", status, resp, h.Get("Retry-After"))
	}
	for range 5 {
		send(t, "POST", s.URL+"/v1/events", events, "Authorization", "Bearer guess")
	}
	if n := endOffset(t, brokers, schemas.TopicEvents); n != 0 {
		t.Errorf("%d records published while throttled, want none", n)
	}
	if n := counter(t, limitedRegistry, "floorwatch_ingest_auth_throttled_total", nil); n != 6 {
		t.Errorf("floorwatch_ingest_auth_throttled_total = %v, want 6", n)
	}
	if n := counter(t, limitedRegistry, "floorwatch_ingest_requests_total", map[string]string{"route": "/v1/events", "status": "429"}); n != 6 {
		t.Errorf("requests_total{status=429} = %v, want 6", n)
	}
	// Another address is not throttled (the handler, with its RemoteAddr).
	req := httptest.NewRequest("POST", "/v1/events", strings.NewReader(string(events)))
	req.RemoteAddr = "198.51.100.7:40000"
	req.Header.Set("Authorization", "Bearer acme-key")
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Errorf("another address: %d %s, want 200", rec.Code, rec.Body)
	}
	// Ten seconds later, one more try is allowed: the right key passes.
	*now = now.Add(10 * time.Second)
	if status, resp, _ := send(t, "POST", s.URL+"/v1/events", events, "Authorization", "Bearer acme-key"); status != 200 {
		t.Errorf("after Retry-After: %d %s, want 200", status, resp)
	}
}

// A platform posts every tenant's webhooks from the same addresses: bad
// signatures (one tenant's wrong app secret) and bad verify tokens are
// refused one by one (401, 403) and never throttle the address, so other
// tenants' webhooks keep flowing; API-key failures from that address do
// not stop its webhooks either.
func TestWebhookFailuresNeverThrottleTheSendersAddress(t *testing.T) {
	s, _, _, _ := limitedServer(t)
	wa := body(t, "whatsapp.json")
	events := body(t, "events.json")
	for range 20 {
		if status, _, _ := send(t, "POST", s.URL+"/webhooks/whatsapp", wa, "X-Hub-Signature-256", metaSig("guess", wa)); status != 401 {
			t.Fatalf("a bad signature got %d, want 401", status)
		}
		send(t, "GET", s.URL+"/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1", nil)
		send(t, "POST", s.URL+"/webhooks/x", wa)
	}
	for range 5 {
		send(t, "POST", s.URL+"/v1/events", events, "Authorization", "Bearer guess")
	}
	if status, _, _ := send(t, "POST", s.URL+"/v1/events", events, "Authorization", "Bearer acme-key"); status != 429 {
		t.Errorf("after 5 bad API keys, /v1/events: %d, want 429", status)
	}
	if status, _, _ := send(t, "POST", s.URL+"/webhooks/whatsapp", wa, "X-Hub-Signature-256", metaSig(acmeWASecret, wa)); status != 200 {
		t.Errorf("a signed webhook after 60 webhook failures and 5 bad API keys from its address: %d, want 200", status)
	}
}

// Ingest under broker failure: while Kafka does not acknowledge, requests
// get 503 within the publish timeout and nothing is acknowledged; once
// Kafka answers again, the same server answers 200, with no restart.
func TestKafkaThatStopsAnsweringGets503ThenRecoversByItself(t *testing.T) {
	k := fakeKafka(t)
	var down atomic.Bool
	down.Store(true)
	k.ControlKey(int16(kmsg.Produce), func(kmsg.Request) (kmsg.Response, error, bool) {
		k.KeepControl()
		if down.Load() {
			return nil, nil, true // swallowed: no answer
		}
		return nil, nil, false // handled normally
	})
	// As floorwatch ingest wires it: produce requests bounded by the
	// publish timeout (1s, the least the client takes).
	const timeout = time.Second
	p, err := publish.New(publish.Options{Kafka: []kgo.Opt{kgo.SeedBrokers(k.ListenAddrs()...)}, ClientID: "ingest-test",
		Linger: time.Millisecond, DeliveryTimeout: 2 * timeout, RequestTimeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close(context.Background()) })
	s := startServer(t, p, func(o *ingest.ServerOptions) { o.PublishTimeout = timeout })
	wa := body(t, "whatsapp.json")
	sig := metaSig(acmeWASecret, wa)
	for range 3 {
		start := time.Now()
		status, _, _ := send(t, "POST", s.URL+"/webhooks/whatsapp", wa, "X-Hub-Signature-256", sig)
		if status != 503 {
			t.Fatalf("Kafka silent: status %d, want 503", status)
		}
		if d := time.Since(start); d > timeout+time.Second {
			t.Errorf("503 after %s, want within the %s publish timeout", d, timeout)
		}
	}
	down.Store(false)
	// A produce request sent while Kafka was silent is abandoned at most
	// 2×timeout after it was sent; then the partition moves again.
	back := time.Now()
	deadline := back.Add(2*timeout + 2*time.Second)
	defer func() { t.Logf("200 again %s after Kafka answers", time.Since(back).Round(time.Millisecond)) }()
	for {
		status, _, _ := send(t, "POST", s.URL+"/webhooks/whatsapp", wa, "X-Hub-Signature-256", sig)
		if status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still %d %s after Kafka answers again, want 200 within 2×publish timeout", status, time.Since(back))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestASlowClientIsCutAtTheHeaderAndRequestTimeouts(t *testing.T) {
	addr := newTimedServer(t, newProducer(t, fakeKafka(t).ListenAddrs()))

	// Headers that never end: the server ends the connection after the
	// header timeout (200ms), not the client.
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	if _, err := c.Write([]byte("POST /webhooks/whatsapp HTTP/1.1\r\nHost: x\r\nX-Slow: ")); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _ = io.Copy(io.Discard, c) // until the server closes it (or 5 s)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("a client that never finished its headers held the connection %s, want about 200ms", d)
	}

	// A body that never ends holds the only in-flight slot until the read
	// timeout (500ms), then the slot is free again.
	c2, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if _, err := c2.Write([]byte("POST /webhooks/whatsapp HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	wa := body(t, "whatsapp.json")
	start = time.Now()
	saw503 := false
	for {
		status, _, _ := send(t, "POST", "http://"+addr+"/webhooks/whatsapp", wa, "X-Hub-Signature-256", metaSig(acmeWASecret, wa))
		if status == 200 {
			break
		}
		saw503 = saw503 || status == 503
		if status != 503 || time.Since(start) > 3*time.Second {
			t.Fatalf("status %d %s after the slow body began; want 503, then 200 once the read timeout frees the slot", status, time.Since(start))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !saw503 {
		t.Error("the slow body did not hold the only slot: the test proves nothing")
	}
}

// newTimedServer serves an ingest.Server with short read timeouts and one
// in-flight slot on a real listener, and returns its address.
func newTimedServer(t *testing.T, pub ingest.Publisher) string {
	t.Helper()
	m, err := ingest.NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := ingest.NewServer(ingest.ServerOptions{Decoder: newDecoder(t, true), Publisher: pub, Topics: schemas.NewTopics(""),
		Metrics: m, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PublishTimeout: time.Second,
		MaxInFlight: 1, AdmitWait: 20 * time.Millisecond,
		ReadHeaderTimeout: 200 * time.Millisecond, ReadTimeout: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })
	return ln.Addr().String()
}

// countingPublisher holds every Publish until the gate opens and records
// the most publishing at once.
type countingPublisher struct {
	ingest.Publisher
	gate         chan struct{}
	inside, most atomic.Int32
}

func (c *countingPublisher) Publish(ctx context.Context, msgs []publish.Message) error {
	n := c.inside.Add(1)
	for {
		m := c.most.Load()
		if n <= m || c.most.CompareAndSwap(m, n) {
			break
		}
	}
	<-c.gate
	c.inside.Add(-1)
	return c.Publisher.Publish(ctx, msgs)
}

func TestAConnectionFloodIsBoundedByMaxInFlight(t *testing.T) {
	const maxInFlight, clients = 4, 40
	p := &countingPublisher{Publisher: newProducer(t, fakeKafka(t).ListenAddrs()), gate: make(chan struct{})}
	s := startServer(t, p, func(o *ingest.ServerOptions) { o.MaxInFlight, o.AdmitWait = maxInFlight, 50*time.Millisecond })
	wa := body(t, "whatsapp.json")
	sig := metaSig(acmeWASecret, wa)
	type answer struct {
		status     int
		retryAfter string
	}
	answers := make(chan answer, clients)
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, _, h := send(t, "POST", s.URL+"/webhooks/whatsapp", wa, "X-Hub-Signature-256", sig)
			answers <- answer{status, h.Get("Retry-After")}
		}()
	}
	// Every request past the slots waits AdmitWait at most, then gets 503.
	time.Sleep(time.Second)
	close(p.gate)
	wg.Wait()
	close(answers)
	got := map[int]int{}
	for a := range answers {
		got[a.status]++
		if a.status == 503 && a.retryAfter == "" {
			t.Error("a 503 without Retry-After")
		}
	}
	if m := p.most.Load(); m > maxInFlight {
		t.Errorf("%d requests publishing at once, want at most max_in_flight %d", m, maxInFlight)
	}
	if got[200] != maxInFlight || got[503] != clients-maxInFlight {
		t.Errorf("answers %v: want the %d admitted ones 200 and the other %d 503", got, maxInFlight, clients-maxInFlight)
	}
}
