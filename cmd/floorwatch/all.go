package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/floorwatch/floorwatch/ingest/publish"
	"github.com/floorwatch/floorwatch/processors/stream"
	sinkch "github.com/floorwatch/floorwatch/sinks/clickhouse"
)

// allCommand is `floorwatch all [--config F] [--instance ID] [--no-migrate]`.
func allCommand() command {
	return command{name: "all", summary: "migrate, then run ingest, process, sink and api in one process (one machine)", run: runAll}
}

func runAll(ctx context.Context, env *cmdEnv, args []string) error {
	var noMigrate *bool
	var prefix *string
	flags, err := parseRoleFlags(env, "all", args, func(fs *flag.FlagSet) {
		noMigrate = fs.Bool("no-migrate", false, "do not create or upgrade the ClickHouse tables first")
		prefix = fs.String("topic-prefix", "",
			"prefix of every topic and consumer group name, to share a broker with other pipelines (tests); empty: the contract's names")
	})
	if err != nil || flags.cfg == nil {
		return err
	}
	cfg := flags.cfg
	log := newLogger(cfg.Log, env.stderr)
	if !*noMigrate {
		if err := migrateRole(ctx, cfg, cfg.ClickHouse.EventsTTL, env.stderr); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	reg, err := newRoleRegistry()
	if err != nil {
		return err
	}
	stopMetrics, err := serveMetrics(cfg.Metrics.Listen, reg, log)
	if err != nil {
		return err
	}
	defer stopMetrics() // 4. metrics last, so the final counts can be scraped
	names := pipelineNames{prefix: *prefix, instance: flags.instance}
	log.Info("floorwatch all starting", "ingest", cfg.Ingest.Listen, "api", cfg.API.Listen, "metrics", cfg.Metrics.Listen,
		"kafka", cfg.Kafka.Brokers, "clickhouse", cfg.ClickHouse.Addr, "database", cfg.ClickHouse.Database)
	return runRoles(ctx, []role{
		{"ingest", func(c context.Context) error { return ingestRole(c, cfg, reg, log.With("role", "ingest"), names) }},
		{"process", func(c context.Context) error {
			return processRole(c, cfg, reg, log.With("role", "process", "instance", names.instance), names)
		}},
		{"sink", func(c context.Context) error { return sinkRole(c, cfg, reg, log.With("role", "sink"), names) }},
		{"api", func(c context.Context) error { return apiRole(c, cfg, reg, log.With("role", "api"), names) }},
	})
}

// role is one stage of `all`: run blocks until its context ends, then
// finishes its work and returns.
type role struct {
	name string
	run  func(context.Context) error
}

// runRoles starts every role at once, each under its own context, and
// waits until ctx ends (SIGTERM, SIGINT) or any role returns. It then stops
// them one at a time, in the order given, waiting for each to return before
// stopping the next. For `all` that order is: ingest first (drain HTTP,
// flush the producer: everything answered 200 is in Kafka), then the
// processors (commit their open transaction: their outputs are in Kafka),
// then the sink (write and commit what it has read), then the API (answer
// the requests in flight, flush its producer: every action answered 202
// is in Kafka); the caller closes the metrics endpoint after runRoles
// returns. A role that returns on its own,
// with or without an error, stops the others the same way; the errors are
// returned, each prefixed with its role.
func runRoles(ctx context.Context, roles []role) error {
	type running struct {
		cancel context.CancelFunc
		done   chan error
	}
	runs := make([]running, len(roles))
	ended := make(chan struct{}, len(roles))
	for i, r := range roles {
		rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		runs[i] = running{cancel: cancel, done: make(chan error, 1)}
		go func() {
			runs[i].done <- r.run(rctx)
			ended <- struct{}{}
		}()
	}
	select {
	case <-ctx.Done():
	case <-ended:
	}
	var errs []error
	for i, r := range roles {
		runs[i].cancel()
		if err := <-runs[i].done; err != nil && !errors.Is(err, context.Canceled) {
			errs = append(errs, fmt.Errorf("%s: %w", r.name, err))
		}
	}
	return errors.Join(errs...)
}

// pipelineNames are the topic and consumer group names the roles use: the
// contract's (schemas) with an empty prefix, else each prefixed, so a test
// can run a whole pipeline on a broker that others use at the same time.
// instance is the processors' static member id.
type pipelineNames struct {
	prefix   string
	instance string
}

func (n pipelineNames) topic(t string) string { return n.prefix + t }

func (n pipelineNames) group(g string) string { return n.prefix + g }

func (n pipelineNames) ingestTopics() publish.Topics {
	t := publish.DefaultTopics()
	return publish.Topics{Events: n.topic(t.Events), OperatorStatus: n.topic(t.OperatorStatus),
		DeadLetters: n.topic(t.DeadLetters)}
}

func (n pipelineNames) streamTopics() stream.Topics {
	t := stream.DefaultTopics()
	return stream.Topics{Events: n.topic(t.Events), OperatorStatus: n.topic(t.OperatorStatus), State: n.topic(t.State),
		Metrics: n.topic(t.Metrics), Conversations: n.topic(t.Conversations), StatusChanges: n.topic(t.StatusChanges),
		Gauges: n.topic(t.Gauges), Watermarks: n.topic(t.Watermarks), DLQ: n.topic(t.DLQ)}
}

// sinkTopics returns the sink's input topics and, with a prefix, the alias
// from each to its contract name (the sink picks row builders by topic).
func (n pipelineNames) sinkTopics() ([]string, map[string]string) {
	if n.prefix == "" {
		return sinkch.InputTopics(), nil
	}
	var topics []string
	alias := map[string]string{}
	for _, t := range sinkch.InputTopics() {
		topics = append(topics, n.topic(t))
		alias[n.topic(t)] = t
	}
	return topics, alias
}
