package grafana

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// The live views and the panels that read them, on what two processor
// instances wrote for four partitions (live_pipeline_test.go): every
// partition stamps its gauges with its own clock, and each case list
// holds exactly the stories' cases, in the documented order.
func TestLiveViewsAndPanelsShowEveryPartitionOfEveryInstance(t *testing.T) {
	conn := livePipeline(t)
	now := "fromUnixTimestamp64Milli(" + fmt.Sprint(liveNow.UnixMilli()) + ")"
	var partitions, clocks uint64
	if err := conn.QueryRow(context.Background(), "SELECT uniqExact(partition), uniqExact(at) FROM gauges_latest").Scan(&partitions, &clocks); err != nil {
		t.Fatal(err)
	}
	if partitions < 2 {
		t.Fatalf("the stories landed on %d partition(s): the test needs at least two busy ones", partitions)
	}
	t.Logf("gauges_latest: %d busy partitions, %d distinct snapshot clocks", partitions, clocks)

	views := []struct{ name, sql string }{
		{"gauges_latest sums partitions per segment",
			"SELECT team, sum(bot), sum(queued), sum(active), sum(to_recover), sum(expired) FROM gauges_latest GROUP BY team ORDER BY team"},
		{"live_current", "SELECT customer_id, channel, team, operator, status, management_status, support_started_at FROM live_current"},
		{"live_queued", "SELECT customer_id, team, queued_since, wait_age_ms, waiting_since, management_status FROM live_queued(now = " + now + ")"},
		{"live_to_recover", "SELECT customer_id, channel, team, operator, reason, window_expires_at, window_left_ms FROM live_to_recover(now = " + now + ")"},
	}
	want := map[string][]string{
		"gauges_latest sums partitions per segment": {" 1 0 0 0 0", "sales 0 1 1 2 0", "support 0 2 1 1 0"},
		"live_current": {
			"a1 whatsapp sales bob active answered 10:21",
			"a2 whatsapp support carl active customer_waiting 11:31"},
		"live_queued": {
			"q1 sales 10:01 7140000 10:00 awaiting_first_response",
			"q2 support 10:30 5400000 NULL answered", // sent back to a queue with no wait open: aged all the same
			"q3 support 11:01 3540000 11:00 awaiting_first_response"},
		"live_to_recover": {
			"r3 whatsapp sales ana unanswered 2026-11-21 09:30 77400000",
			"r1 whatsapp sales ana unanswered 2026-11-21 10:40 81600000",
			"r2 x support dan unanswered NULL NULL"},
	}
	for _, v := range views {
		t.Run(v.name, func(t *testing.T) { expectRows(t, conn, v.sql, want[v.name]) })
	}

	panels := []struct {
		panel string
		vars  Vars
		cols  []string
		want  []string
	}{
		{"Open cases now (each partition's latest snapshot)", nil,
			[]string{"bot", "queued", "active", "to_recover", "expired"}, []string{"1 3 2 3 0"}},
		{"Open cases now (each partition's latest snapshot)", Vars{"team": {"sales", "support"}},
			[]string{"bot", "queued", "active", "to_recover", "expired"}, []string{"0 3 2 3 0"}},
		{"Open cases now (each partition's latest snapshot)", Vars{"team": {"sales"}, "channel": {"whatsapp", "x"}},
			[]string{"bot", "queued", "active", "to_recover", "expired"}, []string{"0 1 1 2 0"}},
		{"Pending first response now", nil, []string{"pending_first_response", "oldest_assigned_at"}, []string{"3 09:32"}},
		{"Pending first response now", Vars{"operator": {"ana", "dan"}, "team": {"support"}}, []string{"pending_first_response"}, []string{"1"}},
		{"Current cases (active and assigned, oldest support start first)", Vars{"team": {"support"}},
			[]string{"customer_id", "operator", "status"}, []string{"a2 carl active"}},
		{"Queued cases (longest wait first)", nil, []string{"customer_id", "queued_since", "wait_age_ms"},
			[]string{"q1 10:01 7140000", "q2 10:30 5400000", "q3 11:01 3540000"}},
		{"Queued cases (longest wait first)", Vars{"team": {"support"}}, []string{"customer_id"}, []string{"q2", "q3"}},
		{"To recover (least window time left first)", nil, []string{"customer_id", "reason", "window_left_ms"},
			[]string{"r3 unanswered 77400000", "r1 unanswered 81600000", "r2 unanswered NULL"}},
		{"Indicators for the period (as of its end)", nil,
			[]string{"total", "active", "queued", "to_recover", "expired", "attended", "unattended", "pending_first_response", "transferred", "closed"},
			[]string{"10 2 3 3 0 4 5 3 1 1"}},
		{"Indicators for the period (as of its end)", Vars{"team": {"sales", "support"}},
			[]string{"total", "pending_first_response"}, []string{"9 3"}},
		{"Data complete until (lowest partition watermark)", nil, []string{"partitions"}, []string{"4"}},
	}
	for _, p := range panels {
		t.Run(fmt.Sprintf("%s %v", p.panel, p.vars), func(t *testing.T) {
			sql := ExpandVars(panelSQL(t, p.panel), at("09:00"), liveNow, time.Minute, p.vars)
			expectRows(t, conn, "SELECT "+strings.Join(p.cols, ", ")+" FROM ("+sql+")", p.want)
		})
	}
}

func panelSQL(t *testing.T, title string) string {
	t.Helper()
	for _, d := range dashboards(t) {
		for _, p := range d.Panels {
			if p.Title == title {
				return p.SQL()
			}
		}
	}
	t.Fatalf("no panel %q", title)
	return ""
}

// expectRows runs sql and compares its rows, each formatted as its
// values joined by spaces (times on 2026-11-20 as hh:mm, others with their
// date, NULL for a null).
func expectRows(t *testing.T, conn driver.Conn, sql string, want []string) {
	t.Helper()
	got := queryRows(t, conn, sql)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s\n got:\n  %s\nwant:\n  %s", sql, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func queryRows(t *testing.T, conn driver.Conn, sql string) []string {
	t.Helper()
	return queryRowsCtx(t, conn, context.Background(), sql)
}

// queryRowsCtx is queryRows with ctx (query settings).
func queryRowsCtx(t *testing.T, conn driver.Conn, ctx context.Context, sql string) []string {
	t.Helper()
	rows, err := conn.Query(ctx, sql)
	if err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		vals := make([]any, len(rows.ColumnTypes()))
		for i, ct := range rows.ColumnTypes() {
			vals[i] = reflect.New(ct.ScanType()).Interface()
		}
		if err := rows.Scan(vals...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = format(reflect.ValueOf(v).Elem().Interface())
		}
		out = append(out, strings.Join(parts, " "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func format(v any) string {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return "NULL"
		}
		v = rv.Elem().Interface()
	}
	switch x := v.(type) {
	case time.Time:
		x = x.UTC()
		if x.Format("2006-01-02") == "2026-11-20" {
			return x.Format("15:04")
		}
		return x.Format("2006-01-02 15:04")
	case float64:
		return fmt.Sprint(x)
	}
	return fmt.Sprint(v)
}
