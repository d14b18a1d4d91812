package connect

import (
	"context"
	"fmt"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/floorwatch/floorwatch/config"
)

// ClickHouseOptions returns the native-protocol options of c: address,
// user and password, TLS, compression. With database false the
// connection has no default database (migrate creates it); otherwise
// unqualified table names resolve in c.Database.
func ClickHouseOptions(c config.ClickHouse, database bool) (*ch.Options, error) {
	t, err := TLS(c.TLS)
	if err != nil {
		return nil, fmt.Errorf("clickhouse: %w", err)
	}
	opts := &ch.Options{
		Addr: []string{c.Addr},
		Auth: ch.Auth{Username: c.Username, Password: c.Password.Value()},
		TLS:  t,
		// Compression saves network on wide batches at little CPU.
		Compression:  &ch.Compression{Method: ch.CompressionLZ4},
		DialTimeout:  c.DialTimeout,
		MaxOpenConns: 8,
	}
	if database {
		opts.Auth.Database = c.Database
	}
	return opts, nil
}

// ClickHouse connects with ClickHouseOptions and checks that the server
// answers. The caller closes the connection.
func ClickHouse(ctx context.Context, c config.ClickHouse, database bool) (driver.Conn, error) {
	opts, err := ClickHouseOptions(c, database)
	if err != nil {
		return nil, err
	}
	conn, err := ch.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("clickhouse %s: %w", c.Addr, err)
	}
	if err := conn.Ping(ctx); err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("clickhouse %s: ping: %w", c.Addr, err)
	}
	return conn, nil
}
