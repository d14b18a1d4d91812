package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/internal/testenv"
	"github.com/floorwatch/floorwatch/schemas"
)

type replayRequest = schemas.Request

// waitWatermarks waits until every partition of the events topic has a
// watermark in ClickHouse at or after to: the processors have derived
// everything up to to and the sink has copied their watermarks.
func waitWatermarks(ctx context.Context, t *testing.T, addr, database, topic string, partitions int, to time.Time) {
	t.Helper()
	_ = addr
	conn := testenv.ClickHouseConn(t, database)
	for {
		var n uint64
		var low time.Time
		err := conn.QueryRow(ctx, `SELECT count(), min(m) FROM (SELECT partition, max(complete_until) AS m
			FROM watermarks WHERE topic = ? GROUP BY partition)`, topic).Scan(&n, &low)
		if err == nil && int(n) == partitions && !low.Before(to) {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("watermarks of %s: %d partitions, lowest %s; want %d at or after %s (err %v)", topic, n, low, partitions, to, err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}
