package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"github.com/floorwatch/floorwatch/config"
	sinkch "github.com/floorwatch/floorwatch/sinks/clickhouse"
)

// migrateCommand is `floorwatch migrate [--config F] [--events-ttl D]`;
// --events-ttl overrides clickhouse.events_ttl.
func migrateCommand() command {
	return command{name: "migrate", summary: "create or upgrade the ClickHouse tables (idempotent)", run: runMigrate}
}

func runMigrate(ctx context.Context, env *cmdEnv, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	path := fs.String("config", configPathDefault(env), "configuration file (env FLOORWATCH_CONFIG)")
	ttl := fs.Duration("events-ttl", 0, "how long the events table keeps raw events, whole days (default clickhouse.events_ttl)")
	if err := fs.Parse(args); err != nil {
		return flagError(err)
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q", fs.Arg(0))
	}
	if *ttl != 0 && *ttl < 24*time.Hour {
		return usageError("--events-ttl must be at least 24h")
	}
	cfg, err := config.Load(*path, env.getenv)
	if err != nil {
		return reportProblems(env.stderr, err)
	}
	if *ttl == 0 {
		*ttl = cfg.ClickHouse.EventsTTL
	}
	return migrateRole(ctx, cfg, *ttl, newLogger(cfg.Log, env.stderr).With("role", "migrate"))
}

// migrateRole creates or upgrades the tables, logging each step.
func migrateRole(ctx context.Context, cfg *config.Config, ttl time.Duration, log *slog.Logger) error {
	err := sinkch.Migrate(ctx, cfg.ClickHouse, sinkch.MigrateOptions{EventsTTL: ttl,
		Log: func(format string, a ...any) { log.Info(fmt.Sprintf(format, a...)) }})
	if err != nil {
		return err
	}
	log.Info("database is up to date", "database", cfg.ClickHouse.Database)
	return nil
}
