package clickhouse

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/floorwatch/floorwatch/internal/testenv"
	"github.com/floorwatch/floorwatch/schemas"
)

func TestRowsAcceptsWhatTheTablesHoldAndRefusesTheRest(t *testing.T) {
	cases := []struct {
		name, topic, value string
		tables             []string
		err                string
	}{
		{"a metric delta", schemas.TopicMetrics, `{"v":1,"minute":"2026-11-20T09:00:00Z","segment":{"tenant":"acme"},"opened":1}`,
			[]string{TableMetricsMinute}, ""},
		{"a conversation with two durations", schemas.TopicConversations,
			`{"v":1,"conversation_id":"c","version":2,"tenant":"acme","opened_at":"2026-11-20T09:00:00Z","last_event_at":"2026-11-20T09:05:00Z",` +
				`"durations":[{"kind":"first_response","ended_at":"2026-11-20T09:01:00Z","ms":1},{"kind":"reply","ended_at":"2026-11-20T09:05:00Z","ms":2}]}`,
			[]string{TableConversations, TableDurations, TableDurations}, ""},
		{"a retracted conversation with only its id", schemas.TopicConversations,
			`{"v":1,"conversation_id":"c","version":3,"deleted":true,"first_response_ms":-1,"resolution_ms":-1}`,
			[]string{TableConversations}, ""},
		{"a retracted status interval with only its id", schemas.TopicStatusChanges,
			`{"v":1,"conversation_id":"c","seq":4,"version":3,"deleted":true}`, []string{TableStatusHistory}, ""},
		{"not JSON", schemas.TopicMetrics, `{"v":`, nil, "undecodable"},
		{"a metric without tenant", schemas.TopicMetrics, `{"v":1,"minute":"2026-11-20T09:00:00Z","segment":{}}`, nil, "segment.tenant is required"},
		{"a time DateTime64 cannot hold", schemas.TopicGauges, `{"v":1,"at":"2400-01-01T00:00:00Z","segment":{"tenant":"acme"}}`, nil, "outside 1900-2299"},
		{"a status interval without id", schemas.TopicStatusChanges, `{"v":1,"seq":1,"version":1,"deleted":true}`, nil, "conversation_id is required"},
		{"an alert rule's state with two notifications outstanding", schemas.TopicAlerts, alertRecord,
			[]string{TableAlertHistory, TableAlertHistory}, ""},
		{"an evaluator's claim", schemas.TopicAlerts, `{"v":1,"claim":"c-1"}`, nil, ""},
		{"an alert rule that never changed state", schemas.TopicAlerts,
			`{"v":1,"tenant":"acme","rule":{"name":"r","team":null,"metric":"queue_length","above":3},"seq":1,"state":"resolved"}`, nil, ""},
		{"an alert state without tenant", schemas.TopicAlerts,
			`{"v":1,"rule":{"name":"r","metric":"queue_length"},"seq":1,"state":"firing","since":"2026-11-20T09:00:00Z","id":"n1"}`, nil, "tenant is required"},
		{"an outbox notification without time", schemas.TopicAlerts,
			`{"v":1,"tenant":"acme","rule":{"name":"r","metric":"queue_length"},"seq":1,"outbox":[{"notification":{"id":"n1","state":"firing"},"pending":["f"]}]}`,
			nil, "outbox.notification.at is required"},
		{"an alert state that is not JSON", schemas.TopicAlerts, `{"v":`, nil, "undecodable"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, err := Rows(c.topic, []byte(c.value))
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want one saying %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var tables []string
			for _, r := range rows {
				tables = append(tables, r.Table)
				if got, want := reflect.TypeOf(r.Value), reflect.PointerTo(rowType(r.Table)); got != want {
					t.Errorf("%s row is a %v, want a %v", r.Table, got, want)
				}
			}
			if strings.Join(tables, ",") != strings.Join(c.tables, ",") {
				t.Errorf("tables %v, want %v", tables, c.tables)
			}
		})
	}
}

func FuzzRowsNeverPanics(f *testing.F) {
	f.Add(schemas.TopicConversations, []byte(`{"conversation_id":"c","tenant":"t","opened_at":"2026-11-20T09:00:00Z"}`))
	f.Add(schemas.TopicMetrics, []byte(`{"minute":"2026-11-20T09:00:00Z","segment":{"tenant":"t"}}`))
	f.Add(schemas.TopicEvents, []byte(`{"kind":"customer_message","tenant":"t","occurred_at":"2026-11-20T09:00:00Z"}`))
	f.Add(schemas.TopicAlerts, []byte(alertRecord))
	f.Fuzz(func(t *testing.T, topic string, value []byte) {
		rows, err := Rows(topic, value)
		if err != nil {
			return
		}
		for _, r := range rows {
			if got, want := reflect.TypeOf(r.Value), reflect.PointerTo(rowType(r.Table)); got != want {
				t.Fatalf("%s row is a %v, want a %v", r.Table, got, want)
			}
		}
	})
}

// Every table's row type names exactly the columns the table has: a
// column added in a migration and not in its row type (or the reverse) is
// caught here, against the real server.
func TestEveryRowTypeMatchesItsTable(t *testing.T) {
	cfg := testDatabase(t)
	conn := testenv.ClickHouseConn(t, cfg.Database)
	for _, table := range []string{TableMetricsMinute, TableConversations, TableDurations, TableStatusHistory, TableGauges,
		TableWatermarks, TableEvents, TableDeadLetters, TableOperatorStatus, TableAlertHistory} {
		rows, err := conn.Query(context.Background(), "SELECT name FROM system.columns WHERE database = ? AND table = ? "+
			"AND default_kind NOT IN ('MATERIALIZED', 'ALIAS')", cfg.Database, table)
		if err != nil {
			t.Fatal(err)
		}
		var have []string
		for rows.Next() {
			var n string
			_ = rows.Scan(&n)
			have = append(have, n)
		}
		got := slices.Sorted(slices.Values(columns(table)))
		slices.Sort(have)
		if !slices.Equal(got, have) {
			t.Errorf("%s: row type writes %v, the table has %v", table, got, have)
		}
	}
}
