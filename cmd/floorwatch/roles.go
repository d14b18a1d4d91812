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
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// roleFunc is a long-running role (ingest, process, sink): it runs until
// ctx ends, then finishes its work and returns. The caller owns the
// registry and the metrics endpoint, so `all` can share them.
type roleFunc func(ctx context.Context, p pipeline, reg prometheus.Registerer, log *slog.Logger) error

// roleFlags are the flags of the long-running commands, parsed, with the
// configuration they name loaded.
type roleFlags struct {
	cfg      *config.Config
	instance string // the processors' static member id
	prefix   string // --topic-prefix
}

// parseRoleFlags returns a zero roleFlags and no error when -h printed the
// help: the command then has nothing to run. It parses --config,
// --topic-prefix, --instance (for the commands that run the processors)
// and the command's own flags that extra adds, and loads the
// configuration.
func parseRoleFlags(env *cmdEnv, name string, args []string, extra func(*flag.FlagSet)) (roleFlags, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	path := fs.String("config", configPathDefault(env), "configuration file (env FLOORWATCH_CONFIG)")
	prefix := fs.String("topic-prefix", "",
		"prefix of every topic and consumer group name, to share a broker with other pipelines (tests); empty: the contract's names")
	instance := new(string)
	if name == "process" || name == "all" {
		instance = fs.String("instance", defaultInstance(env),
			"static group member id of the processors, stable across restarts and unique per live instance (env FLOORWATCH_INSTANCE, else the host name)")
	}
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return roleFlags{}, flagError(err) // nil after -h: cfg stays nil
	}
	if fs.NArg() > 0 {
		return roleFlags{}, usageError("unexpected argument %q", fs.Arg(0))
	}
	if *instance == "" && (name == "process" || name == "all") {
		return roleFlags{}, usageError("--instance is required when the host has no name")
	}
	cfg, err := config.Load(*path, env.getenv)
	if err != nil {
		return roleFlags{}, reportProblems(env.stderr, err)
	}
	return roleFlags{cfg: cfg, instance: *instance, prefix: *prefix}, nil
}

// serveRole runs one role alone, with its own registry and metrics
// endpoint (with /healthz and /readyz); the endpoint closes after the role
// returned, so the final figures can be scraped until then.
func serveRole(ctx context.Context, env *cmdEnv, f roleFlags, name string, run roleFunc) error {
	log := newLogger(f.cfg.Log, env.stderr).With("role", name)
	if name == "process" {
		log = log.With("instance", f.instance)
	}
	reg, err := newRoleRegistry()
	if err != nil {
		return err
	}
	h := newHealth(name)
	h.stopOn(ctx)
	stopMetrics, err := serveMetrics(f.cfg.Metrics.Listen, reg, h, log)
	if err != nil {
		return err
	}
	defer stopMetrics()
	p, err := newPipeline(f.cfg, f.prefix, f.instance)
	if err != nil {
		return err
	}
	p.health = h
	b := buildInfo()
	log.Info("floorwatch starting", "version", b.Version, "revision", b.Revision)
	return run(ctx, p, reg, log)
}

// newLogger builds the process logger from the log section.
func newLogger(c config.Log, w io.Writer) *slog.Logger {
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
// collectors and floorwatch_build_info; every role registers its own
// metrics in it.
func newRoleRegistry() (*prometheus.Registry, error) {
	reg := prometheus.NewRegistry()
	if err := registerRuntimeMetrics(reg); err != nil {
		return nil, err
	}
	if err := registerBuildInfo(reg, buildInfo()); err != nil {
		return nil, err
	}
	return reg, nil
}

func registerRuntimeMetrics(reg prometheus.Registerer) error {
	for _, c := range []prometheus.Collector{collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})} {
		if err := reg.Register(c); err != nil {
			return fmt.Errorf("register process metrics: %w", err)
		}
	}
	return nil
}

// serveMetrics serves reg at /metrics, and h at /healthz and /readyz, on
// listen ("" disables them) and returns the function that stops it.
func serveMetrics(listen string, reg *prometheus.Registry, h *health, log *slog.Logger) (stop func(), err error) {
	if listen == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, fmt.Errorf("metrics: listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	h.register(mux)
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
