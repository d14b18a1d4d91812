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
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/ingest"
	"github.com/floorwatch/floorwatch/ingest/decode"
	"github.com/floorwatch/floorwatch/ingest/publish"
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
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodPost, "/webhooks/whatsapp", bytes.NewReader(body))
			req.Header.Set("X-Hub-Signature-256", sig)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Errorf("status %d: %s", rec.Code, rec.Body)
				return
			}
		}
	})
	perSec := float64(b.N) / time.Since(start).Seconds()
	b.ReportMetric(perSec, "req/s")
	b.ReportMetric(perSec/float64(runtime.GOMAXPROCS(0)), "req/s/core")
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
