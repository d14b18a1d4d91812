package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/ingest"
	"github.com/floorwatch/floorwatch/ingest/publish"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
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
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	path := fs.String("config", configPathDefault(env), "configuration file (env FLOORWATCH_CONFIG)")
	if err := fs.Parse(args); err != nil {
		return &exitError{code: 2}
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q", fs.Arg(0))
	}
	cfg, err := config.Load(*path, env.getenv)
	if err != nil {
		return reportProblems(env.stderr, err)
	}
	log := ingestLogger(cfg.Log, env.stderr)
	reg, err := newRoleRegistry()
	if err != nil {
		return err
	}
	stopMetrics, err := serveIngestMetrics(cfg.Metrics.Listen, reg, log)
	if err != nil {
		return err
	}
	defer stopMetrics()
	return ingestRole(ctx, cfg, reg, log, pipelineNames{})
}

// ingestRole runs the ingest role until ctx ends: steps 1 and 2 above; the
// caller owns the registry and the metrics endpoint.
func ingestRole(ctx context.Context, cfg *config.Config, reg prometheus.Registerer, log *slog.Logger, names pipelineNames) error {
	prod, err := publish.New(publish.Options{Brokers: cfg.Kafka.Brokers, ClientID: cfg.Kafka.ClientID,
		DeliveryTimeout: 2 * cfg.Ingest.PublishTimeout})
	if err != nil {
		return err
	}
	defer closeIngestProducer(prod, log)
	topics := names.ingestTopics()
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	err = prod.EnsureTopics(tctx, topics, int32(cfg.Kafka.Partitions), int16(cfg.Kafka.ReplicationFactor))
	if err == nil {
		err = prod.Warm(tctx, topics)
	}
	cancel()
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	metrics, err := ingest.NewMetrics(reg)
	if err != nil {
		return err
	}
	srv, err := ingest.NewServer(ingest.ServerOptions{
		Listen: cfg.Ingest.Listen,
		Decoder: ingest.NewDecoder(cfg.Directory(), ingest.DecoderOptions{MaxBodyBytes: cfg.Ingest.MaxBodyBytes,
			MaxBatchEvents: cfg.Ingest.MaxBatchEvents, Verify: true}),
		Publisher: prod, Topics: topics, Metrics: metrics, Logger: log,
		MaxInFlight: cfg.Ingest.MaxInFlight, PublishTimeout: cfg.Ingest.PublishTimeout,
	})
	if err != nil {
		return err
	}
	return srv.Run(ctx)
}

func closeIngestProducer(p *publish.Producer, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Close(ctx); err != nil {
		log.Error("closing the Kafka producer", "err", err)
	}
}

// ingestLogger builds the process logger from the log section.
func ingestLogger(c config.Log, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.Level)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// newRoleRegistry is a process's one registry, with the Go and process
// collectors; every role registers its own metrics in it.
func newRoleRegistry() (*prometheus.Registry, error) {
	reg := prometheus.NewRegistry()
	if err := registerIngestRuntimeMetrics(reg); err != nil {
		return nil, err
	}
	return reg, nil
}

func registerIngestRuntimeMetrics(reg prometheus.Registerer) error {
	for _, c := range []prometheus.Collector{collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})} {
		if err := reg.Register(c); err != nil {
			return fmt.Errorf("register process metrics: %w", err)
		}
	}
	return nil
}

// serveIngestMetrics serves reg at /metrics on listen ("" disables it) and
// returns the function that stops it.
func serveIngestMetrics(listen string, reg *prometheus.Registry, log *slog.Logger) (stop func(), err error) {
	if listen == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, fmt.Errorf("metrics: listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics endpoint stopped", "err", err)
		}
	}()
	log.Info("metrics listening", "addr", ln.Addr().String())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}
