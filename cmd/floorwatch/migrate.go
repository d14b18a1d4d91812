package main

import (
	"context"
	"flag"
	"fmt"
	"io"
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
	return migrateRole(ctx, cfg, *ttl, env.stderr)
}

// migrateRole creates or upgrades the tables, logging each step to w.
func migrateRole(ctx context.Context, cfg *config.Config, ttl time.Duration, w io.Writer) error {
	err := sinkch.Migrate(ctx, cfg.ClickHouse, sinkch.MigrateOptions{EventsTTL: ttl,
		Log: func(format string, a ...any) { fmt.Fprintf(w, "migrate: "+format+"\n", a...) }})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "migrate: database %s is up to date\n", cfg.ClickHouse.Database)
	return nil
}
