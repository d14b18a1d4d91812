package clickhouse

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// alertRecord is a rule's state whose latest change (n2, firing) and the
// change before it (n1, resolved) both wait for a notify URL.
const alertRecord = `{"v":1,"tenant":"acme","rule":{"name":"sales-queue","team":"sales","metric":"oldest_wait","above":300000},` +
	`"seq":7,"state":"firing","since":"2026-11-20T09:05:00.000Z","id":"n2","value":301000,"outbox":[` +
	`{"notification":{"id":"n1","tenant":"acme","rule":"sales-queue","state":"resolved","value":12000,"team":"sales","at":"2026-11-20T09:00:00.000Z"},"pending":["f1"]},` +
	`{"notification":{"id":"n2","tenant":"acme","rule":"sales-queue","state":"firing","value":301000,"team":"sales","at":"2026-11-20T09:05:00.000Z"},"pending":["f1","f2"]}]}`

// alertRowStrings renders alert_history rows as "id state value at
// pending seq".
func alertRowStrings(t *testing.T, rows []Row) []string {
	t.Helper()
	var out []string
	for _, r := range rows {
		a, ok := r.Value.(*alertHistoryRow)
		if !ok || r.Table != TableAlertHistory {
			t.Fatalf("a %s row of type %T", r.Table, r.Value)
		}
		value := "NULL"
		if a.Value != nil {
			value = fmt.Sprint(*a.Value)
		}
		out = append(out, fmt.Sprintf("%s %s %s %s %d %d", a.ID, a.State, value, a.At.Format("15:04"), a.DeliveriesPending, a.Seq))
	}
	return out
}

// A rule's record gives a row per notification still to deliver, and its
// latest change once delivered everywhere, each as of the record's seq.
func TestAlertRecordsGiveARowPerOutstandingNotificationAndTheLatestChange(t *testing.T) {
	at := func(hhmm string) schemas.Time {
		v, _ := time.Parse("15:04", hhmm)
		return schemas.At(time.Date(2026, 11, 20, v.Hour(), v.Minute(), 0, 0, time.UTC))
	}
	f := func(v float64) *float64 { return &v }
	firing := schemas.AlertNotification{ID: "n2", State: schemas.AlertFiring, Value: f(301000), At: at("09:05")}
	resolved := schemas.AlertNotification{ID: "n3", State: schemas.AlertResolved, At: at("09:20")}
	state := func(seq uint64, latest schemas.AlertNotification, outbox ...schemas.AlertOutboxEntry) schemas.AlertState {
		return schemas.AlertState{V: 1, Tenant: "acme", Seq: seq, Rule: schemas.AlertRule{Name: "sales-queue", Metric: schemas.AlertOldestWait, Above: f(300000)},
			State: latest.State, Since: latest.At, ID: latest.ID, Value: latest.Value, Outbox: outbox}
	}
	cases := []struct {
		name   string
		record schemas.AlertState
		want   []string
	}{
		{"fired, two URLs to tell", state(2, firing, schemas.AlertOutboxEntry{Notification: firing, Pending: []string{"f1", "f2"}}),
			[]string{"n2 firing 301000 09:05 2 2"}},
		{"one URL acknowledged", state(3, firing, schemas.AlertOutboxEntry{Notification: firing, Pending: []string{"f2"}}),
			[]string{"n2 firing 301000 09:05 1 3"}},
		{"the last URL acknowledged: its last outbox appearance", state(4, firing, schemas.AlertOutboxEntry{Notification: firing, Pending: []string{}}),
			[]string{"n2 firing 301000 09:05 0 4"}},
		{"delivered everywhere and dropped from the outbox", state(5, firing), []string{"n2 firing 301000 09:05 0 5"}},
		{"resolved (nothing to measure) while the firing one is still pending", state(6, resolved,
			schemas.AlertOutboxEntry{Notification: firing, Pending: []string{"f2"}}),
			[]string{"n2 firing 301000 09:05 1 6", "n3 resolved NULL 09:20 0 6"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := json.Marshal(c.record)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := Rows(schemas.TopicAlerts, b)
			if err != nil {
				t.Fatal(err)
			}
			if got := alertRowStrings(t, rows); strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}

	rows, err := Rows(schemas.TopicAlerts, []byte(alertRecord))
	if err != nil {
		t.Fatal(err)
	}
	a := rows[1].Value.(*alertHistoryRow)
	if a.Tenant != "acme" || a.Rule != "sales-queue" || a.Team == nil || *a.Team != "sales" || a.Metric != "oldest_wait" ||
		a.Above == nil || *a.Above != 300000 || a.Below != nil {
		t.Errorf("the rule's columns: %+v", a)
	}
}

// A tombstone (a null value: the rule is gone) gives no row and is no
// error, so it is not dead-lettered; an empty value is not a tombstone.
func TestAnAlertTombstoneGivesNoRowAndNoError(t *testing.T) {
	if rows, err := Rows(schemas.TopicAlerts, nil); err != nil || len(rows) != 0 {
		t.Errorf("tombstone: %d rows, %v", len(rows), err)
	}
	if _, err := Rows(schemas.TopicAlerts, []byte{}); err == nil {
		t.Error("an empty value was accepted")
	}
}
