package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"time"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/internal/connect"
	"github.com/floorwatch/floorwatch/schemas"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// allCommand is `floorwatch all [--config F] [--instance ID] [--no-migrate]`.
func allCommand() command {
	return command{name: "all", summary: "migrate, then run ingest, process, sink and api in one process (one machine)", run: runAll}
}

func runAll(ctx context.Context, env *cmdEnv, args []string) error {
	var noMigrate *bool
	flags, err := parseRoleFlags(env, "all", args, func(fs *flag.FlagSet) {
		noMigrate = fs.Bool("no-migrate", false, "do not create or upgrade the ClickHouse tables first")
	})
	if err != nil || flags.cfg == nil {
		return err
	}
	cfg := flags.cfg
	// log is the roles' parent; the process's own lines carry role "all".
	log := newLogger(cfg.Log, env.stderr)
	if !*noMigrate {
		if err := migrateRole(ctx, cfg, cfg.ClickHouse.EventsTTL, log.With("role", "migrate")); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	reg, err := newRoleRegistry()
	if err != nil {
		return err
	}
	// Each role reports ready through p.health (its ready call in its role
	// function).
	h := newHealth("ingest", "process", "sink", "api")
	h.stopOn(ctx)
	stopMetrics, err := serveMetrics(cfg.Metrics.Listen, reg, h, log.With("role", "all"))
	if err != nil {
		return err
	}
	defer stopMetrics() // 4. metrics last, so the final counts can be scraped
	p, err := newPipeline(cfg, flags.prefix, flags.instance)
	if err != nil {
		return err
	}
	p.health = h
	log.With("role", "all").Info("floorwatch all starting", "version", buildInfo().Version, "ingest", cfg.Ingest.Listen, "api", cfg.API.Listen, "metrics", cfg.Metrics.Listen,
		"kafka", cfg.Kafka.Brokers, "clickhouse", cfg.ClickHouse.Addr, "database", cfg.ClickHouse.Database)
	return runRoles(ctx, []role{
		{"ingest", func(c context.Context) error { return ingestRole(c, p, reg, log.With("role", "ingest")) }},
		{"process", func(c context.Context) error {
			return processRole(c, p, reg, log.With("role", "process", "instance", p.instance))
		}},
		{"sink", func(c context.Context) error { return sinkRole(c, p, reg, log.With("role", "sink")) }},
		{"api", func(c context.Context) error { return apiRole(c, p, reg, log.With("role", "api")) }},
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

// pipeline is what every role of one process shares, built once from the
// configuration (newPipeline): the topics, each with the --topic-prefix of
// `all` (empty: the contract's names), the Kafka connection options, the
// processors' static member id, and the process's health, where each role
// says how to tell that it is ready (nil: no health endpoints).
type pipeline struct {
	cfg      *config.Config
	topics   schemas.Topics
	kafka    []kgo.Opt
	instance string
	health   *health
}

func newPipeline(cfg *config.Config, prefix, instance string) (pipeline, error) {
	kafka, err := connect.Kafka(cfg.Kafka)
	if err != nil {
		return pipeline{}, err
	}
	return pipeline{cfg: cfg, topics: schemas.NewTopics(prefix), kafka: kafka, instance: instance}, nil
}

// group is a consumer group's name, prefixed like the topics so that a
// test pipeline shares a broker with others.
func (p pipeline) group(g string) string { return p.topics.Prefix + g }

// ensureTopics creates the pipeline's missing topics; every role does it
// at start-up, so any role may start first.
func (p pipeline) ensureTopics(ctx context.Context) error {
	cl, err := kgo.NewClient(append(slices.Clone(p.kafka), kgo.ClientID(p.cfg.Kafka.ClientID+"-admin"))...)
	if err != nil {
		return err
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	k := p.cfg.Kafka
	return connect.EnsureTopics(ctx, kadm.NewClient(cl), p.topics, int32(k.Partitions), int16(k.ReplicationFactor))
}
