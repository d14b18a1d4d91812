package clickhouse

import (
	"context"
	"fmt"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/floorwatch/floorwatch/config"
)

// Open connects to the ClickHouse server of cfg over the native protocol and
// checks it answers. With database false the connection has no default
// database (migrate creates it); otherwise unqualified table names resolve
// in cfg.Database. The caller closes the connection.
func Open(ctx context.Context, cfg config.ClickHouse, database bool) (driver.Conn, error) {
	opts := &ch.Options{
		Addr: []string{cfg.Addr},
		Auth: ch.Auth{Username: cfg.Username, Password: cfg.Password.Value()},
		// Compression saves network on wide batches at little CPU.
		Compression:  &ch.Compression{Method: ch.CompressionLZ4},
		DialTimeout:  cfg.DialTimeout,
		MaxOpenConns: 8,
	}
	if database {
		opts.Auth.Database = cfg.Database
	}
	conn, err := ch.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("clickhouse %s: %w", cfg.Addr, err)
	}
	if err := conn.Ping(ctx); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("clickhouse %s: ping: %w", cfg.Addr, err)
	}
	return conn, nil
}
