package ingest_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/ingest"
	"github.com/floorwatch/floorwatch/schemas"
	"github.com/prometheus/client_golang/prometheus"
)

func TestShutdownAnswersInFlightRequestsThenReturns(t *testing.T) {
	g := &gatedPublisher{Publisher: newProducer(t, fakeKafka(t).ListenAddrs()), entered: make(chan struct{}, 1), gate: make(chan struct{})}
	m, err := ingest.NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	s, err := ingest.NewServer(ingest.ServerOptions{Decoder: newDecoder(t, true), Publisher: g, Topics: schemas.NewTopics(""),
		Metrics: m, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()

	wa := body(t, "whatsapp.json")
	answered := make(chan int, 1)
	go func() {
		status, _, _ := send(t, "POST", "http://"+ln.Addr().String()+"/webhooks/whatsapp", wa, "X-Hub-Signature-256", metaSig(acmeWASecret, wa))
		answered <- status
	}()
	<-g.entered
	stop()
	select {
	case err := <-served:
		t.Fatalf("Serve returned (%v) with a request in flight", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(g.gate)
	if status := <-answered; status != 200 {
		t.Errorf("in-flight request got %d, want 200", status)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve: %v, want nil after draining", err)
	}
}
