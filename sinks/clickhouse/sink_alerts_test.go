package clickhouse

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/floorwatch/floorwatch/internal/testenv"
	"github.com/floorwatch/floorwatch/schemas"
)

// A rule's records, as an evaluator writes them while it fires, delivers
// and resolves, land in alert_history as one row per notification at its
// latest version; claims and tombstones write nothing and dead-letter
// nothing.
func TestSinkKeepsTheLatestVersionOfEveryAlertNotification(t *testing.T) {
	f := newFixture(t, 1)
	v := func(x float64) *float64 { return &x }
	team := "sales"
	rule := schemas.AlertRule{Name: "sales-queue", Team: &team, Metric: schemas.AlertOldestWait, Above: v(300000)}
	fired := schemas.AlertNotification{ID: "n1", Tenant: "acme", Rule: rule.Name, State: schemas.AlertFiring, Value: v(301000),
		Team: &team, At: schemas.At(t0.Add(5 * time.Minute))}
	resolved := schemas.AlertNotification{ID: "n2", Tenant: "acme", Rule: rule.Name, State: schemas.AlertResolved, Value: v(1000),
		Team: &team, At: schemas.At(t0.Add(20 * time.Minute))}
	state := func(seq uint64, latest schemas.AlertNotification, outbox ...schemas.AlertOutboxEntry) []byte {
		return mustJSON(schemas.AlertState{V: 1, Tenant: "acme", Rule: rule, Seq: seq, State: latest.State, Since: latest.At,
			ID: latest.ID, Value: latest.Value, Outbox: outbox})
	}
	pending := func(n schemas.AlertNotification, urls ...string) schemas.AlertOutboxEntry {
		return schemas.AlertOutboxEntry{Notification: n, Pending: append([]string{}, urls...)}
	}
	key := schemas.AlertKey("acme", rule.Name)
	gone := schemas.AlertKey("acme", "removed-rule")
	records := []*kgo.Record{
		{Key: []byte(key), Value: mustJSON(schemas.AlertState{V: 1, Claim: "claim-1"})},
		{Key: []byte(key), Value: state(1, fired, pending(fired, "f1", "f2"))},
		{Key: []byte(key), Value: state(2, fired, pending(fired, "f2"))},
		{Key: []byte(key), Value: state(3, fired, pending(fired))},
		{Key: []byte(key), Value: state(4, fired)},
		{Key: []byte(key), Value: state(5, resolved, pending(resolved, "f1", "f2"))},
		{Key: []byte(key), Value: state(6, resolved, pending(resolved, "f2"))},
		{Key: []byte(gone), Value: nil}, // a tombstone
		{Key: []byte(schemas.AlertKey("globex", "sl-drop")), Value: mustJSON(schemas.AlertState{V: 1, Tenant: "globex", Seq: 1,
			Rule:  schemas.AlertRule{Name: "sl-drop", Metric: schemas.AlertServiceLevel30m, Below: v(0.8)},
			State: schemas.AlertFiring, Since: schemas.At(t0), ID: "g1", Value: v(0.5)})},
	}
	for _, r := range records {
		r.Topic = f.topics.Alerts
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := testenv.KafkaClient(t).ProduceSync(ctx, records...).FirstErr(); err != nil {
		t.Fatal(err)
	}

	stop := f.start(f.options(3), f.conn)
	defer stop()
	// The last record's row is in: every batch before it is too (one partition).
	f.waitFor("SELECT count() FROM alert_history WHERE tenant = 'globex'", 1)
	want := []string{
		"acme sales-queue n1 firing 301000 sales 0 4",
		"acme sales-queue n2 resolved 1000 sales 1 6",
		"globex sl-drop g1 firing 0.5 NULL 0 1",
	}
	for _, q := range []string{
		`SELECT tenant, rule, id, state, value, ifNull(team, 'NULL'), deliveries_pending, seq FROM alert_history FINAL ORDER BY tenant, at, id`,
		`SELECT tenant, rule, id, argMax(state, seq), argMax(value, seq), ifNull(argMax(team, seq), 'NULL'), argMax(deliveries_pending, seq), max(seq)
		FROM alert_history GROUP BY tenant, rule, id ORDER BY tenant, rule, id`,
	} {
		if got := f.rows(q); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s:\n%s\nwant:\n%s", q, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	if n := f.count("SELECT count() FROM dead_letters"); n != 0 {
		t.Errorf("%d records dead-lettered: %v", n, f.rows("SELECT reason FROM dead_letters"))
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}
