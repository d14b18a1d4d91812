package testenv

import (
	"context"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// ClickHouseOptions returns clickhouse-go options for the native address of
// ClickHouse(tb), user default without a password, on the given database.
// Never try a wrong password over the native protocol against the local
// engine of deployments/local/services: it aborts the whole server (over HTTP
// a wrong password is harmless).
func ClickHouseOptions(tb testing.TB, database string) *clickhouse.Options {
	tb.Helper()
	addr, _ := ClickHouse(tb)
	return &clickhouse.Options{
		Addr:        []string{addr},
		Auth:        clickhouse.Auth{Database: database, Username: "default"},
		DialTimeout: 10 * time.Second,
	}
}

// ClickHouseConn opens a clickhouse-go (native protocol) connection to the
// given database ("" for the server's default), closed when the test ends.
func ClickHouseConn(tb testing.TB, database string) driver.Conn {
	tb.Helper()
	conn, err := clickhouse.Open(ClickHouseOptions(tb, database))
	if err != nil {
		tb.Fatalf("testenv: clickhouse open: %v", err)
	}
	tb.Cleanup(func() { _ = conn.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := conn.Ping(ctx); err != nil {
		tb.Fatalf("testenv: clickhouse ping: %v", err)
	}
	return conn
}

// ClickHouseDatabase creates a database named UniqueName(tb, prefix), drops it
// when the test ends, and returns a connection whose default database it is,
// along with its name.
func ClickHouseDatabase(tb testing.TB, prefix string) (driver.Conn, string) {
	tb.Helper()
	db := UniqueName(tb, prefix)
	admin := ClickHouseConn(tb, "")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := admin.Exec(ctx, "CREATE DATABASE "+db); err != nil {
		tb.Fatalf("testenv: create database %s: %v", db, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+db+" SYNC"); err != nil {
			tb.Logf("testenv: drop database %s: %v", db, err)
		}
	})
	return ClickHouseConn(tb, db), db
}
