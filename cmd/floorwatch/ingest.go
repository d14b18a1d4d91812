package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/floorwatch/floorwatch/ingest"
	"github.com/floorwatch/floorwatch/ingest/decode"
	"github.com/floorwatch/floorwatch/internal/publish"
	"github.com/floorwatch/floorwatch/internal/ratelimit"
	"github.com/prometheus/client_golang/prometheus"
)

// ingestCommand is `floorwatch ingest [--config F]`.
func ingestCommand() command {
	return command{name: "ingest", summary: "receive webhooks and platform events, publish them to Kafka", run: runIngest}
}

// runIngest wires the ingest role. Shutdown order, on SIGTERM or SIGINT:
//  1. the server reports not ready, stops accepting and waits for in-flight
//     requests, each of which gets Kafka's answer (or 503) within
//     ingest.publish_timeout;
//  2. the producer flushes and closes: nothing answered 200 is left unsent;
//  3. the metrics endpoint closes last, so the final counts can be scraped.
func runIngest(ctx context.Context, env *cmdEnv, args []string) error {
	flags, err := parseRoleFlags(env, "ingest", args, nil)
	if err != nil || flags.cfg == nil {
		return err
	}
	return serveRole(ctx, env, flags, "ingest", ingestRole)
}

// ingestRole runs the ingest role until ctx ends: steps 1 and 2 above; the
// caller owns the registry and the metrics endpoint.
func ingestRole(ctx context.Context, p pipeline, reg prometheus.Registerer, log *slog.Logger) error {
	cfg := p.cfg
	if err := p.ensureTopics(ctx); err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	prod, err := publish.New(publish.Options{Kafka: p.kafka, ClientID: cfg.Kafka.ClientID,
		DeliveryTimeout: 2 * cfg.Ingest.PublishTimeout, RequestTimeout: cfg.Ingest.PublishTimeout})
	if err != nil {
		return err
	}
	defer closeProducer(prod, log)
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	err = prod.Warm(tctx, p.topics.IngestTopics())
	cancel()
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	metrics, err := ingest.NewMetrics(reg)
	if err != nil {
		return err
	}
	limiter, err := ratelimit.New(ratelimit.Options{PerMinute: float64(cfg.Ingest.AuthFailuresPerMinute),
		Burst: cfg.Ingest.AuthFailuresBurst}, reg, "ingest")
	if err != nil {
		return err
	}
	srv, err := ingest.NewServer(ingest.ServerOptions{
		Listen: cfg.Ingest.Listen,
		Decoder: decode.NewDecoder(cfg.Directory(), decode.Options{MaxBodyBytes: cfg.Ingest.MaxBodyBytes,
			MaxBatchEvents: cfg.Ingest.MaxBatchEvents, MaxFutureSkew: cfg.Ingest.MaxFutureSkew, Verify: true}),
		Publisher: prod, Topics: p.topics, Metrics: metrics, Logger: log,
		MaxInFlight: cfg.Ingest.MaxInFlight, PublishTimeout: cfg.Ingest.PublishTimeout,
		AuthLimiter: limiter,
	})
	if err != nil {
		return err
	}
	p.health.ready("ingest", srv.Ready)
	return srv.Run(ctx)
}

// closeProducer flushes and closes a role's producer (ingest's, the API's).
func closeProducer(p *publish.Producer, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Close(ctx); err != nil {
		log.Error("closing the Kafka producer", "err", err)
	}
}
