package clickhouse

import (
	"context"
	"fmt"
	"strings"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// rowError says which row of an insert the client could not encode: that
// row can never be written and its record is dead-lettered.
type rowError struct {
	table string
	index int
	err   error
}

func (e *rowError) Error() string { return fmt.Sprintf("%s row %d: %v", e.table, e.index, e.err) }
func (e *rowError) Unwrap() error { return e.err }

// insertAll writes each table's rows as one block under the deduplication
// token: inserting the same token again is a no-op on the server, for the
// table and for the materialized views it feeds. Every row is encoded
// before anything is sent, so a *rowError means nothing was written. Other
// errors are a *blockError: the tables before it in tables are written,
// the rest are not; the retry, under the same token, completes them.
func insertAll(ctx context.Context, conn driver.Conn, tables []string, rows map[string][]any, token string) error {
	ctx = ch.Context(ctx, ch.WithSettings(ch.Settings{
		"insert_deduplicate":                                 1,
		"insert_deduplication_token":                         token,
		"deduplicate_blocks_in_dependent_materialized_views": 1,
	}))
	batches := make([]driver.Batch, 0, len(tables))
	defer func() {
		for _, b := range batches {
			_ = b.Abort() // a no-op once sent
		}
	}()
	for _, t := range tables {
		b, err := conn.PrepareBatch(ctx, "INSERT INTO "+quoteIdent(t)+" ("+strings.Join(columns(t), ", ")+")")
		if err != nil {
			return fmt.Errorf("insert into %s: prepare: %w", t, err)
		}
		batches = append(batches, b)
		for i, r := range rows[t] {
			if err := b.AppendStruct(r); err != nil {
				return &rowError{table: t, index: i, err: err}
			}
		}
	}
	for i, b := range batches {
		if err := b.Send(); err != nil {
			return &blockError{table: tables[i], err: err}
		}
	}
	return nil
}

// InsertRows writes rows (from Rows) grouped by table under one
// deduplication token; for tools, tests and benchmarks that write without
// Kafka.
func InsertRows(ctx context.Context, conn driver.Conn, rows []Row, token string) error {
	byTable := map[string][]any{}
	var tables []string
	for _, r := range rows {
		if _, ok := byTable[r.Table]; !ok {
			tables = append(tables, r.Table)
		}
		byTable[r.Table] = append(byTable[r.Table], r.Value)
	}
	return insertAll(ctx, conn, tables, byTable, token)
}
