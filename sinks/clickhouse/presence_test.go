package clickhouse

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/internal/testenv"
	"github.com/floorwatch/floorwatch/schemas"
)

// insertEvents writes events of topic through the sink's row mapping, one
// insert each (separate parts, as separate batches would write them).
func insertEvents(t *testing.T, ctx context.Context, cfg string, topic string, events ...schemas.Event) {
	t.Helper()
	conn := testenv.ClickHouseConn(t, cfg)
	for i := range events {
		rows, err := Rows(topic, mustJSON(events[i]))
		if err != nil {
			t.Fatal(err)
		}
		if err := InsertRows(ctx, conn, rows, fmt.Sprintf("%s-%s-%d", topic, events[i].ID, i)); err != nil {
			t.Fatal(err)
		}
	}
}

// operators_latest: each operator's latest presence and since when it
// holds, the first of the latest run of the same status; a redelivered
// status changes nothing; operators of two tenants never mix.
func TestOperatorsLatestGivesEachOperatorsStatusSinceItBegan(t *testing.T) {
	cfg := testDatabase(t)
	ctx := context.Background()
	status := func(tenant, op, st string, min int, id string) schemas.Event {
		at := schemas.At(day.Add(time.Duration(min) * time.Minute))
		return schemas.Event{V: 1, Kind: schemas.KindOperatorStatus, ID: id, Tenant: tenant, Operator: op, Team: "sales",
			Status: st, OccurredAt: at, ReceivedAt: at}
	}
	insertEvents(t, ctx, cfg.Database, schemas.TopicOperatorStatus,
		status("acme", "ana", "available", 0, "a1"), status("acme", "ana", "away", 10, "a2"),
		status("acme", "ana", "away", 12, "a3"), status("acme", "ana", "away", 12, "a3"), // redelivered
		status("acme", "bob", "available", 5, "b1"),
		status("globex", "ana", "offline", 7, "g1"))
	conn := testenv.ClickHouseConn(t, cfg.Database)
	rows, err := conn.Query(ctx, "SELECT tenant, operator, team, status, since FROM operators_latest ORDER BY tenant, operator")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var tenant, op, team, st string
		var since time.Time
		if err := rows.Scan(&tenant, &op, &team, &st, &since); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s/%s %s %s since %s", tenant, op, team, st, since.Format("15:04")))
	}
	want := "acme/ana sales away since 09:10; acme/bob sales available since 09:05; globex/ana sales offline since 09:07"
	if g := strings.Join(got, "; "); g != want {
		t.Errorf("operators_latest\n  %s\nwant\n  %s", g, want)
	}
}

// customers: the latest name a channel gave each customer, per tenant.
func TestCustomersKeepTheLatestNameTheChannelGave(t *testing.T) {
	cfg := testDatabase(t)
	ctx := context.Background()
	msg := func(tenant, customer, name string, min int, id string) schemas.Event {
		at := schemas.At(day.Add(time.Duration(min) * time.Minute))
		return schemas.Event{V: 1, Kind: schemas.KindCustomerMessage, ID: id, Tenant: tenant, Channel: schemas.WhatsApp,
			AccountID: "1001", CustomerID: customer, CustomerName: name, OccurredAt: at, ReceivedAt: at}
	}
	insertEvents(t, ctx, cfg.Database, schemas.TopicEvents,
		msg("acme", "336", "Sheena", 0, "m1"), msg("acme", "336", "Sheena N.", 5, "m2"),
		msg("acme", "336", "", 9, "m3"), msg("globex", "336", "Other", 1, "m4"), msg("acme", "337", "", 2, "m5"))
	conn := testenv.ClickHouseConn(t, cfg.Database)
	var names []string
	rows, err := conn.Query(ctx, "SELECT tenant || '/' || customer_id || '=' || customer_name FROM customers FINAL ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		_ = rows.Scan(&s)
		names = append(names, s)
	}
	if g, want := strings.Join(names, ", "), "acme/336=Sheena N., globex/336=Other"; g != want {
		t.Errorf("customers: %s, want %s", g, want)
	}
}

// gauges_latest reads each partition's latest round only: a segment that
// a restored partition no longer counts (its zero row was never written)
// drops out, a round with no open case empties its partition, and the
// partitions' rounds are independent.
func TestGaugesLatestCountsEachPartitionsLatestRoundOnly(t *testing.T) {
	cfg := testDatabase(t)
	ctx := context.Background()
	conn := testenv.ClickHouseConn(t, cfg.Database)
	seg := func(team string) schemas.Segment {
		return schemas.Segment{Tenant: "acme", Channel: schemas.WhatsApp, Team: team}
	}
	snap := func(partition int32, round int64, counts ...schemas.GaugeCount) schemas.GaugeSnapshot {
		return schemas.GaugeSnapshot{V: schemas.GaugeVersion, Partition: partition, Round: round, At: schemas.At(day),
			Segments: append([]schemas.GaugeCount{}, counts...)}
	}
	count := func(team string, min int, queued int64) schemas.GaugeCount {
		return schemas.GaugeCount{Segment: seg(team), At: schemas.At(day.Add(time.Duration(min) * time.Minute)), Queued: queued}
	}
	for i, g := range []schemas.GaugeSnapshot{
		snap(0, 1, count("sales", 1, 2), count("support", 1, 1)),
		snap(0, 2, count("support", 2, 3)), // sales dropped to zero while the partition moved
		snap(1, 7, count("sales", 1, 5)),
		snap(1, 8), // partition 1 has nothing open any more
		snap(2, 3, count("sales", 3, 4)),
	} {
		rows, err := Rows(schemas.TopicGauges, mustJSON(g))
		if err != nil {
			t.Fatal(err)
		}
		if err := InsertRows(ctx, conn, rows, fmt.Sprint("gauges-", i)); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]int64{}
	rows, err := conn.Query(ctx, "SELECT team, sum(queued) FROM gauges_latest GROUP BY team")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var team string
		var n int64
		_ = rows.Scan(&team, &n)
		got[team] = n
	}
	if want := map[string]int64{"sales": 4, "support": 3}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("queued now by team %v, want %v", got, want)
	}
}
