package clickhouse

import (
	"context"
	"fmt"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// blockError says the server refused one table's block of an insert.
// Blocks of the tables before it in the insert order were written.
type blockError struct {
	table string
	err   error
}

func (e *blockError) Error() string { return fmt.Sprintf("insert into %s: %v", e.table, e.err) }
func (e *blockError) Unwrap() error { return e.err }

// poison is a row the server refused on its own, and why.
type poison struct {
	index  int
	reason string
}

// bisect writes the rows of a block the server refused permanently (with
// refusal), halving it until every refused row is alone: each part that is
// accepted is written under the token "<token>/<table>/<lo>-<hi>", which
// depends only on the batch, so a crash half-way and the same bisection
// on resume writes every good row exactly once. It returns the refused
// rows, or an error (retryable: the whole batch is retried) part-way.
// n rows with k poison rows cost at most about 2·k·log2(n) inserts.
func bisect(ctx context.Context, conn driver.Conn, table string, rows []any, token string, refusal error) ([]poison, error) {
	var bad []poison
	var walk func(lo, hi int, refusal error) error
	walk = func(lo, hi int, refusal error) error {
		if refusal == nil {
			sub := fmt.Sprintf("%s/%s/%d-%d", token, table, lo, hi)
			err := insertAll(ctx, conn, []string{table}, map[string][]any{table: rows[lo:hi]}, sub)
			if err == nil {
				return nil
			}
			if !permanent(err) {
				return err
			}
			refusal = err
		}
		if hi-lo == 1 {
			bad = append(bad, poison{lo, "refused by the server: " + serverMessage(refusal)})
			return nil
		}
		mid := lo + (hi-lo)/2
		if err := walk(lo, mid, nil); err != nil {
			return err
		}
		return walk(mid, hi, nil)
	}
	if err := walk(0, len(rows), refusal); err != nil {
		return nil, err
	}
	return bad, nil
}
