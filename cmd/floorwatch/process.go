package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/floorwatch/floorwatch/processors/stream"
	"github.com/prometheus/client_golang/prometheus"
)

// processCommand is `floorwatch process [--config F] [--instance ID]`.
func processCommand() command {
	return command{name: "process", summary: "fold conversations from Kafka into metrics, rows and gauges, exactly once", run: runProcess}
}

// runProcess wires the processors role. Shutdown order, on SIGTERM or
// SIGINT: /readyz turns 503; the runner ends its open transaction with a
// commit and leaves the group (its static member too, so its partitions
// move at once); then the metrics endpoint closes, so the last figures can
// still be scraped until then.
func runProcess(ctx context.Context, env *cmdEnv, args []string) error {
	flags, err := parseRoleFlags(env, "process", args, nil)
	if err != nil || flags.cfg == nil {
		return err
	}
	return serveRole(ctx, env, flags, "process", processRole)
}

// processRole runs the processors until ctx ends, then commits their open
// transaction; the caller owns the registry and the metrics endpoint.
func processRole(ctx context.Context, p pipeline, reg prometheus.Registerer, log *slog.Logger) error {
	cfg := p.cfg
	if err := p.ensureTopics(ctx); err != nil {
		return fmt.Errorf("process: %w", err)
	}
	r, err := stream.New(stream.Options{
		Kafka: p.kafka, ClientID: cfg.Kafka.ClientID, InstanceID: p.instance,
		Group: p.group("floorwatch-process"), Topics: p.topics, Policies: cfg.Directory(),
		FlushInterval: cfg.Process.FlushInterval, GaugeInterval: cfg.Process.GaugeInterval, IdleAdvance: cfg.Process.IdleAdvance,
		MaxFutureSkew: cfg.Ingest.MaxFutureSkew, AtLeastOnce: !cfg.Process.ExactlyOnce, SessionTimeout: cfg.Process.SessionTimeout,
		Logger: log, Registerer: reg,
	})
	if err != nil {
		return err
	}
	p.health.ready("process", r.Ready)
	return r.Run(ctx)
}

func defaultInstance(env *cmdEnv) string {
	if v := env.getenv("FLOORWATCH_INSTANCE"); v != "" {
		return v
	}
	h, _ := os.Hostname()
	return h
}
