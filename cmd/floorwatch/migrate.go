package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/internal/connect"
	sinkch "github.com/floorwatch/floorwatch/sinks/clickhouse"
)

// migrateCommand is `floorwatch migrate [--config F] [--events-ttl D] [--users-xml FILE]`;
// --events-ttl overrides clickhouse.events_ttl; --users-xml writes the
// tenants' readers to a users file instead of creating them with SQL.
func migrateCommand() command {
	return command{name: "migrate", summary: "create or upgrade the ClickHouse tables (idempotent)", run: runMigrate}
}

func runMigrate(ctx context.Context, env *cmdEnv, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	path := fs.String("config", configPathDefault(env), "configuration file (env FLOORWATCH_CONFIG)")
	ttl := fs.Duration("events-ttl", 0, "how long the events table keeps raw events, whole days (default clickhouse.events_ttl)")
	usersXML := fs.String("users-xml", "", "write the tenants' ClickHouse readers to this users file (servers that take users from files, the local engine) instead of creating them with SQL")
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
	log := newLogger(cfg.Log, env.stderr).With("role", "migrate")
	if err := migrateRole(ctx, cfg, *ttl, log); err != nil {
		return err
	}
	if *usersXML == "" {
		return nil
	}
	return writeUsersXML(ctx, cfg, *usersXML, log)
}

// migrateRole creates or upgrades the tables, logging each step.
func migrateRole(ctx context.Context, cfg *config.Config, ttl time.Duration, log *slog.Logger) error {
	err := sinkch.Migrate(ctx, cfg.ClickHouse, sinkch.MigrateOptions{EventsTTL: ttl,
		Log: func(format string, a ...any) { log.Info(fmt.Sprintf(format, a...)) }})
	if err != nil {
		return err
	}
	log.Info("database is up to date", "database", cfg.ClickHouse.Database)
	provisionReaders(ctx, cfg, log)
	return nil
}

// provisionReaders creates or updates each tenant's ClickHouse reader with
// SQL. A server that refuses (no SQL access control, or a user without
// the right to manage users) leaves the readers absent, which fails
// closed (they cannot log in): it is reported, and is not an error, so
// that the pipeline still runs; --users-xml is the way for such servers.
func provisionReaders(ctx context.Context, cfg *config.Config, log *slog.Logger) {
	readers := sinkch.Readers(cfg.Tenants)
	if len(readers) == 0 {
		return
	}
	err := withReaderGrants(ctx, cfg, func(conn driver.Conn, g sinkch.ReaderGrants) error {
		return sinkch.ProvisionReaders(ctx, conn, readers, g)
	})
	if err != nil {
		log.Warn("tenant readers NOT provisioned: give the migrating user the right to manage users, or write a users file with floorwatch migrate --users-xml",
			"err", err)
		return
	}
	log.Info("tenant readers provisioned, each reading only its tenant's rows", "readers", len(readers))
}

// withReaderGrants runs f with a connection to the database and what the
// readers may read in it.
func withReaderGrants(ctx context.Context, cfg *config.Config, f func(driver.Conn, sinkch.ReaderGrants) error) error {
	conn, err := connect.ClickHouse(ctx, cfg.ClickHouse, true)
	if err != nil {
		return err
	}
	defer conn.Close()
	g, err := sinkch.LoadReaderGrants(ctx, conn, cfg.ClickHouse.Database)
	if err != nil {
		return err
	}
	return f(conn, g)
}

// writeUsersXML writes the readers, floorwatch's own user and their grants
// as a users file (deployments/local/services FLOORWATCH_CLICKHOUSE_USERS).
func writeUsersXML(ctx context.Context, cfg *config.Config, path string, log *slog.Logger) error {
	readers := sinkch.Readers(cfg.Tenants)
	return withReaderGrants(ctx, cfg, func(_ driver.Conn, g sinkch.ReaderGrants) error {
		self := sinkch.Reader{Username: cfg.ClickHouse.Username, Password: cfg.ClickHouse.Password}
		if err := os.WriteFile(path, sinkch.UsersXML(readers, g, self), 0o600); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		log.Info("wrote the tenant readers to a users file; restart ClickHouse to load it", "readers", len(readers), "path", path)
		return nil
	})
}
