package clickhouse

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/internal/connect"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one embedded migration file: NNNN_name.sql, statements
// separated by a line that ends with ';'. Every statement must be safe to
// run twice (IF NOT EXISTS): ClickHouse DDL is not transactional, so a
// migration interrupted half-way is simply run again.
type Migration struct {
	Version    uint32
	Name       string
	Checksum   string // hex SHA-256 of the file
	Statements []string
}

// Migrations returns the embedded migrations in version order.
func Migrations() ([]Migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var ms []Migration
	for _, n := range names {
		b, err := migrationFiles.ReadFile(n)
		if err != nil {
			return nil, err
		}
		base := strings.TrimSuffix(strings.TrimPrefix(n, "migrations/"), ".sql")
		num, name, ok := strings.Cut(base, "_")
		v, err := strconv.ParseUint(num, 10, 32)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must be NNNN_name.sql", n)
		}
		sum := sha256.Sum256(b)
		ms = append(ms, Migration{Version: uint32(v), Name: name,
			Checksum: hex.EncodeToString(sum[:]), Statements: SplitStatements(string(b))})
	}
	return ms, nil
}

// SplitStatements splits SQL text into statements at lines ending with ';',
// dropping comment-only lines and the trailing ';'.
func SplitStatements(sql string) []string {
	var out []string
	var cur strings.Builder
	for line := range strings.SplitSeq(sql, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(t, ";") {
			out = append(out, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

// MigrateOptions tunes Migrate.
type MigrateOptions struct {
	// EventsTTL is how long raw events are kept; 0 keeps the migration's
	// default (90 days). It is rounded to whole days.
	EventsTTL time.Duration
	// Log receives one line per applied migration; nil discards them.
	Log func(format string, args ...any)
}

// Migrate creates database cfg.Database if needed and applies, in order,
// every embedded migration not yet recorded in its schema_migrations table.
// It refuses to run when an applied migration's file has changed since. Run
// one Migrate at a time per database (a deploy job), not from every replica
// at once.
func Migrate(ctx context.Context, cfg config.ClickHouse, opt MigrateOptions) error {
	logf := opt.Log
	if logf == nil {
		logf = func(string, ...any) {}
	}
	ms, err := Migrations()
	if err != nil {
		return err
	}
	db := cfg.Database
	server, err := connect.ClickHouse(ctx, cfg, false)
	if err != nil {
		return err
	}
	err = server.Exec(ctx, "CREATE DATABASE IF NOT EXISTS "+quoteIdent(db))
	_ = server.Close()
	if err != nil {
		return fmt.Errorf("migrate: create database: %w", err)
	}
	// Unqualified names in the migrations resolve in db through this
	// connection's default database.
	conn, err := connect.ClickHouse(ctx, cfg, true)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, stmt := range []string{
		"CREATE TABLE IF NOT EXISTS " + quoteIdent(db) + ".schema_migrations (" +
			"version UInt32 COMMENT 'migration number', name String COMMENT 'migration file name', " +
			"checksum String COMMENT 'SHA-256 of the migration file', applied_at DateTime64(3, 'UTC') COMMENT 'when it was applied') " +
			"ENGINE = ReplacingMergeTree ORDER BY version COMMENT 'migrations applied by floorwatch migrate'",
	} {
		if err := conn.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	applied, err := appliedMigrations(ctx, conn, db)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if sum, ok := applied[m.Version]; ok {
			if sum != m.Checksum {
				return fmt.Errorf("migration %04d_%s was changed after it was applied: add a new migration instead", m.Version, m.Name)
			}
			continue
		}
		if err := apply(ctx, conn, db, m); err != nil {
			return err
		}
		logf("applied migration %04d_%s", m.Version, m.Name)
	}
	return setEventsTTL(ctx, conn, db, opt.EventsTTL, logf)
}

func appliedMigrations(ctx context.Context, conn driver.Conn, db string) (map[uint32]string, error) {
	rows, err := conn.Query(ctx, "SELECT version, checksum FROM "+quoteIdent(db)+".schema_migrations FINAL")
	if err != nil {
		return nil, fmt.Errorf("migrate: read applied migrations: %w", err)
	}
	defer rows.Close()
	applied := map[uint32]string{}
	for rows.Next() {
		var v uint32
		var sum string
		if err := rows.Scan(&v, &sum); err != nil {
			return nil, fmt.Errorf("migrate: read applied migrations: %w", err)
		}
		applied[v] = sum
	}
	return applied, rows.Err()
}

func apply(ctx context.Context, conn driver.Conn, db string, m Migration) error {
	for i, stmt := range m.Statements {
		if err := conn.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("migration %04d_%s statement %d: %w", m.Version, m.Name, i+1, err)
		}
	}
	err := conn.Exec(ctx, "INSERT INTO "+quoteIdent(db)+".schema_migrations VALUES (?, ?, ?, now64(3))",
		m.Version, m.Name, m.Checksum)
	if err != nil {
		return fmt.Errorf("migration %04d_%s: record: %w", m.Version, m.Name, err)
	}
	return nil
}

// setEventsTTL changes the events table's TTL when it differs from ttl.
func setEventsTTL(ctx context.Context, conn driver.Conn, db string, ttl time.Duration, logf func(string, ...any)) error {
	if ttl <= 0 {
		return nil
	}
	days := int64((ttl + 24*time.Hour - 1) / (24 * time.Hour))
	want := fmt.Sprintf("toIntervalDay(%d)", days)
	var engine string
	err := conn.QueryRow(ctx, "SELECT engine_full FROM system.tables WHERE database = ? AND name = 'events'", db).Scan(&engine)
	if err != nil {
		return fmt.Errorf("migrate: read events TTL: %w", err)
	}
	if strings.Contains(engine, want) {
		return nil
	}
	err = conn.Exec(ctx, "ALTER TABLE "+quoteIdent(db)+".events MODIFY TTL toDateTime(occurred_at) + "+want)
	if err != nil {
		return fmt.Errorf("migrate: set events TTL: %w", err)
	}
	logf("events TTL set to %d days", days)
	return nil
}

// quoteIdent quotes a ClickHouse identifier.
func quoteIdent(s string) string {
	return "`" + strings.ReplaceAll(s, "`", "\\`") + "`"
}
