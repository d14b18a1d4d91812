package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/floorwatch/floorwatch/api"
	"github.com/floorwatch/floorwatch/api/alerts"
	"github.com/floorwatch/floorwatch/api/cases"
	"github.com/floorwatch/floorwatch/internal/connect"
	"github.com/floorwatch/floorwatch/internal/publish"
	"github.com/floorwatch/floorwatch/internal/ratelimit"
	"github.com/floorwatch/floorwatch/schemas"
	"github.com/floorwatch/floorwatch/sinks/report"
)

// apiCommand is `floorwatch api [--config F]`.
func apiCommand() command {
	return command{name: "api", summary: "serve the supervisor API and the live console (reads ClickHouse, acts through Kafka)", run: runAPI}
}

// runAPI wires the api role. Shutdown order, on SIGTERM or SIGINT:
//  1. the server stops accepting and answers the requests in flight, an
//     action getting Kafka's acknowledgement (or 503) within
//     api.publish_timeout;
//  2. the producer flushes and closes, then the ClickHouse connection;
//  3. the metrics endpoint closes last.
func runAPI(ctx context.Context, env *cmdEnv, args []string) error {
	flags, err := parseRoleFlags(env, "api", args, nil)
	if err != nil || flags.cfg == nil {
		return err
	}
	return serveRole(ctx, env, flags, "api", apiRole)
}

// apiRole runs the api role until ctx ends: steps 1 and 2 above; the
// caller owns the registry and the metrics endpoint.
func apiRole(ctx context.Context, p pipeline, reg prometheus.Registerer, log *slog.Logger) error {
	cfg := p.cfg
	conn, err := connect.ClickHouse(ctx, cfg.ClickHouse, true)
	if err != nil {
		return fmt.Errorf("api: %w (run floorwatch migrate first)", err)
	}
	defer conn.Close()
	prod, err := publish.New(publish.Options{Kafka: p.kafka, ClientID: cfg.Kafka.ClientID + "-api",
		Linger: publish.SendAtOnce, DeliveryTimeout: 2 * cfg.API.PublishTimeout, RequestTimeout: cfg.API.PublishTimeout})
	if err != nil {
		return err
	}
	defer closeProducer(prod, log)
	pub := api.KafkaPublisher{Producer: prod, Topic: p.topics.Events}
	go func() {
		// Best effort: the first action should not wait for a producer id.
		wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := prod.Warm(wctx, []string{p.topics.Events}); err != nil && ctx.Err() == nil {
			log.Warn("api: Kafka not ready yet; actions answer 503 until it is", "err", err)
		}
	}()
	metrics, err := api.NewMetrics(reg)
	if err != nil {
		return err
	}
	limiter, err := ratelimit.New(ratelimit.Options{PerMinute: float64(cfg.API.AuthFailuresPerMinute),
		Burst: cfg.API.AuthFailuresBurst}, reg, "api")
	if err != nil {
		return err
	}
	srv, err := api.New(api.Options{AuthLimiter: limiter,
		Listen: cfg.API.Listen, Directory: cfg.Directory(), Store: cases.NewStore(conn), Publisher: pub,
		Report: func(ctx context.Context, from, to time.Time, by []string, tenant string) (schemas.Report, error) {
			return report.Build(ctx, conn, from, to, by, report.Filter{Tenant: tenant})
		},
		Metrics: metrics, Logger: log, PublishTimeout: cfg.API.PublishTimeout,
	})
	if err != nil {
		return err
	}
	// Ready when its reads can be answered; actions answer 503 by
	// themselves while Kafka does not acknowledge.
	p.health.ready("api", func(ctx context.Context) error { return conn.Ping(ctx) })
	evaluator, err := newEvaluator(p, reg, log, cases.NewStore(conn))
	if err != nil || evaluator == nil {
		if err != nil {
			return err
		}
		return srv.Run(ctx)
	}
	// The evaluator stops with the server: both end with ctx.
	errc := make(chan error, 1)
	go func() { errc <- evaluator.Run(ctx) }()
	err = srv.Run(ctx)
	return errors.Join(err, <-errc)
}

// newEvaluator builds the alert evaluator of the tenants' rules, or nil
// when no tenant has one.
func newEvaluator(p pipeline, reg prometheus.Registerer, log *slog.Logger, src alerts.Source) (*alerts.Evaluator, error) {
	dir := p.cfg.Directory()
	var tenants []alerts.Tenant
	for _, id := range dir.Tenants() {
		if rules := dir.AlertRules(id); len(rules) > 0 {
			var targets []alerts.Target
			for _, t := range dir.AlertTargets(id) {
				targets = append(targets, alerts.Target{URL: t.URL, Secret: t.Secret})
			}
			tenants = append(tenants, alerts.Tenant{ID: id, Policy: dir.Policy(id), Rules: rules, Targets: targets})
		}
	}
	if len(tenants) == 0 {
		return nil, nil
	}
	if err := p.ensureTopics(context.Background()); err != nil {
		return nil, err
	}
	m, err := alerts.NewMetrics(reg)
	if err != nil {
		return nil, err
	}
	a := p.cfg.Alerting
	return alerts.New(alerts.Options{Kafka: p.kafka, ClientID: p.cfg.Kafka.ClientID + "-alerts",
		Topic: p.topics.Alerts, Group: p.group("floorwatch-alerts"), Tenants: tenants, Source: src,
		EvaluateEvery: a.EvaluateEvery, NotifyTimeout: a.NotifyTimeout, RetryInitial: a.RetryInitial, RetryMax: a.RetryMax,
		UserAgent: "floorwatch-alerts/" + buildInfo().Version, Logger: log, Metrics: m})
}
