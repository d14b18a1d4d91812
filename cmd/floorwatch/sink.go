package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/floorwatch/floorwatch/internal/connect"
	sinkch "github.com/floorwatch/floorwatch/sinks/clickhouse"
)

// sinkCommand is `floorwatch sink [--config F]`.
func sinkCommand() command {
	return command{name: "sink", summary: "copy the output topics into ClickHouse, exactly once", run: runSink}
}

// runSink wires the sink role. Shutdown order, on SIGTERM or SIGINT: the
// sink writes what it has buffered (best effort, 10 s), commits, leaves the
// group; then the ClickHouse connection closes; the metrics endpoint last.
func runSink(ctx context.Context, env *cmdEnv, args []string) error {
	flags, err := parseRoleFlags(env, "sink", args, nil)
	if err != nil || flags.cfg == nil {
		return err
	}
	return serveRole(ctx, env, flags, "sink", sinkRole)
}

// sinkRole runs the sink until ctx ends, then writes and commits what it
// holds and closes its ClickHouse connection; the caller owns the registry
// and the metrics endpoint.
func sinkRole(ctx context.Context, p pipeline, reg prometheus.Registerer, log *slog.Logger) error {
	cfg := p.cfg
	if err := p.ensureTopics(ctx); err != nil {
		return fmt.Errorf("sink: %w", err)
	}
	conn, err := connect.ClickHouse(ctx, cfg.ClickHouse, true)
	if err != nil {
		return fmt.Errorf("sink: %w (run floorwatch migrate first)", err)
	}
	defer conn.Close()
	s, err := sinkch.New(sinkch.Options{
		Kafka: p.kafka, ClientID: cfg.Kafka.ClientID + "-sink",
		Group: p.group(sinkch.DefaultGroup), Topics: p.topics,
		BatchRows: cfg.Sink.BatchRows, BatchInterval: cfg.Sink.BatchInterval,
		Logger:     log,
		Registerer: reg,
	}, conn)
	if err != nil {
		return err
	}
	p.health.ready("sink", s.Ready)
	log.Info("sink started", "topics", p.topics.SinkInputs(), "database", cfg.ClickHouse.Database)
	return s.Run(ctx)
}
