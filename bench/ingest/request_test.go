package ingest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/ingest"
	"github.com/floorwatch/floorwatch/ingest/decode"
	"github.com/floorwatch/floorwatch/internal/publish"
	"github.com/floorwatch/floorwatch/internal/testenv"
	"github.com/floorwatch/floorwatch/schemas"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kgo"
)

// whatsAppBody is a typical WhatsApp Cloud API text message delivery.
const whatsAppBody = `{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}],"messages":[{"from":"16505551234","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=","timestamp":"1795165205","text":{"body":"Does it come in another color? Caf\u00e9 or cr\u00e8me \ud83d\ude00"},"type":"text"}]},"field":"messages"}]}]}`

const benchSecret = "bench-app-secret"

// BenchmarkSignedWhatsAppRequest measures one signed WhatsApp POST through
// the server's handler: admit, read, verify, normalize, encode, produce
// with acks=all and wait for the acknowledgement, against the real broker.
// Requests run concurrently (as platforms send them); the figure that
// matters is req/s/core.
func BenchmarkSignedWhatsAppRequest(b *testing.B) {
	seeds := brokers(b)
	topics := testenv.Topics(b, 6)
	h := benchHandler(b, seeds, topics)
	body := []byte(whatsAppBody)
	mac := hmac.New(sha256.New, []byte(benchSecret))
	mac.Write(body)
	sig := "sha256=" + hex.EncodeToString(mac.Sum(nil))

	b.SetParallelism(32) // 32 × GOMAXPROCS requests in flight, like a busy webhook
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu := time.Now(), processCPU(b)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			post(b, h, body, sig)
		}
	})
	perSec := float64(b.N) / time.Since(start).Seconds()
	b.ReportMetric(perSec, "req/s")
	b.ReportMetric(perSec/float64(runtime.GOMAXPROCS(0)), "req/s/core")
	b.ReportMetric(float64((processCPU(b)-cpu).Microseconds())/float64(b.N), "cpu-µs/req")
}

// BenchmarkIngestAgainstBareProducer sends the same number of signed
// WhatsApp requests to ingest's handler and to a bare handler that only
// reads the body and produces the record ingest would produce (acks=all,
// answering once acknowledged), alternating, and reports each one's CPU
// per request (this process's CPU time: the broker's share does not
// count) and their ratio: how close ingest comes to the cost of moving
// the record at all.
func BenchmarkIngestAgainstBareProducer(b *testing.B) {
	seeds := brokers(b)
	topics := testenv.Topics(b, 6)
	h, bare := benchHandler(b, seeds, topics), bareHandler(b, seeds, topics)
	body := []byte(whatsAppBody)
	mac := hmac.New(sha256.New, []byte(benchSecret))
	mac.Write(body)
	sig := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	const n = 20000
	var ingestCPU, bareCPU time.Duration
	for i := 0; b.Loop(); i++ {
		for j := range 2 {
			target, into := h, &ingestCPU
			if (i+j)%2 == 1 {
				target, into = bare, &bareCPU
			}
			cpu := processCPU(b)
			parallel(n, 64, func() { post(b, target, body, sig) })
			*into += processCPU(b) - cpu
		}
	}
	runs := float64(b.N * n)
	b.ReportMetric(float64(ingestCPU.Microseconds())/runs, "ingest-cpu-µs/req")
	b.ReportMetric(float64(bareCPU.Microseconds())/runs, "bare-cpu-µs/req")
	b.ReportMetric(bareCPU.Seconds()/ingestCPU.Seconds(), "ingest/bare")
}

// parallel runs f n times on workers goroutines.
func parallel(n, workers int, f func()) {
	var wg sync.WaitGroup
	next := make(chan struct{}, n)
	for range n {
		next <- struct{}{}
	}
	close(next)
	for range workers {
		wg.Go(func() {
			for range next {
				f()
			}
		})
	}
	wg.Wait()
}

func post(b *testing.B, h http.Handler, body []byte, sig string) {
	req := httptest.NewRequest(http.MethodPost, "/webhooks/whatsapp", bytes.NewReader(body))
	req.Header.Set("X-Hub-Signature-256", sig)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Errorf("status %d: %s", rec.Code, rec.Body)
	}
}

// bareHandler reads the body and produces, acks=all, the record ingest
// produces for it (computed once), answering 200 once acknowledged.
func bareHandler(b *testing.B, seeds []string, topics schemas.Topics) http.Handler {
	cfg := config.Default()
	cfg.Channels.WhatsApp.AppSecret = config.NewSecret(benchSecret)
	dec := decode.NewDecoder(cfg.Directory(), decode.Options{MaxBodyBytes: 1 << 20, Verify: false})
	o := dec.Decode(http.MethodPost, "/webhooks/whatsapp", nil, http.Header{}, []byte(whatsAppBody), time.Now())
	if len(o.Events) != 1 {
		b.Fatalf("the body decodes to %d events", len(o.Events))
	}
	value, err := schemas.MarshalEvent(&o.Events[0])
	if err != nil {
		b.Fatal(err)
	}
	key := []byte(o.Events[0].Key().String())
	cl, err := kgo.NewClient(kgo.SeedBrokers(seeds...), kgo.RequiredAcks(kgo.AllISRAcks()))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(cl.Close)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if err := cl.ProduceSync(r.Context(), &kgo.Record{Topic: topics.Events, Key: key, Value: value}).FirstErr(); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// processCPU is the user and system CPU time this process has used.
func processCPU(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchHandler(b *testing.B, seeds []string, topics schemas.Topics) http.Handler {
	cfg := config.Default()
	cfg.Channels.WhatsApp.AppSecret = config.NewSecret(benchSecret)
	prod, err := publish.New(publish.Options{Kafka: []kgo.Opt{kgo.SeedBrokers(seeds...)}, ClientID: "bench-ingest"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = prod.Close(context.Background()) })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := prod.Warm(ctx, topics.IngestTopics()); err != nil {
		b.Fatal(err)
	}
	m, err := ingest.NewMetrics(prometheus.NewRegistry())
	if err != nil {
		b.Fatal(err)
	}
	s, err := ingest.NewServer(ingest.ServerOptions{
		Decoder:   decode.NewDecoder(cfg.Directory(), decode.Options{MaxBodyBytes: 1 << 20, Verify: true}),
		Publisher: prod, Topics: topics, Metrics: m, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		MaxInFlight: 4096, PublishTimeout: 30 * time.Second,
	})
	if err != nil {
		b.Fatal(err)
	}
	return s.Handler()
}
