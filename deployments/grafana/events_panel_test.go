package grafana

import (
	"context"
	"slices"
	"testing"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
)

// Events received per interval counts the events table's rows per
// interval and channel from its per-minute projection (a query that
// cannot use it fails here), duplicates included until the table's merges
// replace them, and then without them, like counting the rows themselves.
func TestEventsReceivedPanelCountsTheRowsFromTheProjection(t *testing.T) {
	conn := migrated(t)
	ctx := context.Background()
	// 10:00–11:59, an event every 30 s, alternating channels; the second
	// insert repeats the 10:xx events (a redelivery) in another part.
	insert := func(where string) {
		t.Helper()
		err := conn.Exec(ctx, `INSERT INTO events (occurred_at, received_at, tenant, channel, account_id, customer_id, kind, id, v)
			SELECT t, t + INTERVAL 1 SECOND, 'acme', ['whatsapp', 'x'][number % 2 + 1], 'a', 'c', 'customer_message', toString(number), 1
			FROM (SELECT number, toDateTime64('2026-11-20 10:00:00', 3, 'UTC') + INTERVAL number * 30 SECOND AS t FROM numbers(240))
			WHERE `+where)
		if err != nil {
			t.Fatal(err)
		}
	}
	insert("1")
	insert("t < '2026-11-20 11:00:00'")
	sql := Expand(panelSQL(t, "Events received per interval"), at("10:00"), at("12:00"), time.Hour)
	raw := `SELECT toStartOfHour(received_at) AS time, channel, count() FROM events
		WHERE received_at >= '2026-11-20 10:00:00' AND received_at <= '2026-11-20 12:00:00' GROUP BY time, channel ORDER BY time, channel`
	read := func(q string) []string {
		t.Helper()
		return queryRowsCtx(t, conn, ch.Context(ctx, ch.WithSettings(ch.Settings{"force_optimize_projection": 1})), q)
	}
	expectRows(t, conn, "SELECT * FROM ("+raw+")", []string{
		"10:00 whatsapp 120", "10:00 x 120",
		"11:00 whatsapp 60", "11:00 x 60",
	})
	if got, want := read("SELECT * FROM ("+sql+") ORDER BY time, channel"), queryRows(t, conn, raw); !slices.Equal(got, want) {
		t.Errorf("with the redelivery:\npanel %v\nrows  %v", got, want)
	}
	if err := conn.Exec(ctx, "OPTIMIZE TABLE events FINAL"); err != nil {
		t.Fatal(err)
	}
	if got, want := read("SELECT * FROM ("+sql+") ORDER BY time, channel"), queryRows(t, conn, raw); !slices.Equal(got, want) || len(want) != 4 || want[0] != "10:00 whatsapp 60" {
		t.Errorf("after the merge:\npanel %v\nrows  %v", got, want)
	}
}
