package clickhouse

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/deployments/grafana"
	"github.com/floorwatch/floorwatch/internal/testenv"
	sinkch "github.com/floorwatch/floorwatch/sinks/clickhouse"
)

// indicatorsPanel is the title of the panel whose figures must be those of
// conversations_as_of.
const indicatorsPanel = "Indicators for the period (as of its end)"

// viewIndicators is the panel's reference: the same figures read straight
// from the conversations_as_of view (the report's definition).
const viewIndicators = `SELECT count() AS total, countIf(status = 'active') AS active, countIf(status = 'queued') AS queued,
    countIf(status = 'to_recover') AS to_recover, countIf(status = 'expired') AS expired,
    countIf(attended_at < $__toTime_ms) AS attended,
    countIf(routed_at < $__toTime_ms AND NOT ifNull(attended_at < $__toTime_ms, 0)) AS unattended,
    countIf(status != 'closed' AND operator != ''
        AND ifNull(first_customer_message_at < $__toTime_ms, last_customer_message_at < $__toTime_ms OR wait_started_at < $__toTime_ms)
        AND NOT ifNull(first_response_at < $__toTime_ms, 0)) AS pending_first_response,
    countIf(arrayExists(t -> t >= $__fromTime_ms AND t < $__toTime_ms, transfer_times)) AS transferred,
    countIf(closed_at >= $__fromTime_ms AND closed_at < $__toTime_ms) AS closed
FROM conversations_as_of(from = $__fromTime_ms, to = $__toTime_ms)
WHERE ('__all' IN (${tenant:singlequote}) OR tenant IN (${tenant:singlequote}))
  AND ('__all' IN (${channel:singlequote}) OR channel IN (${channel:singlequote}))
  AND ('__all' IN (${interaction_type:singlequote}) OR interaction_type IN (${interaction_type:singlequote}))
  AND ('__all' IN (${team:singlequote}) OR team IN (${team:singlequote}))
  AND ('__all' IN (${operator:singlequote}) OR operator IN (${operator:singlequote}))`

// reshuffle makes the status history disagree with the conversation rows
// the way a transfer after the period's end or a recovery would: some
// intervals move to another team, some become to_recover or expired.
const reshuffle = `INSERT INTO status_history (conversation_id, seq, version, deleted, tenant, channel,
        interaction_type, team, operator, status, valid_from, valid_to)
SELECT conversation_id, seq, version + 1, deleted, tenant, channel, interaction_type,
    if(cityHash64(conversation_id) % 7 = 0, 'team_moved', team), operator,
    multiIf(seq = 1 AND cityHash64(conversation_id) % 5 = 0, 'to_recover',
            seq = 1 AND cityHash64(conversation_id) % 5 = 1, 'expired', status),
    valid_from, valid_to
FROM status_history WHERE cityHash64(conversation_id) % 7 = 0 OR cityHash64(conversation_id) % 5 < 2`

func TestIndicatorsPanelShowsTheFiguresOfConversationsAsOf(t *testing.T) {
	if os.Getenv("FLOORWATCH_CLICKHOUSE_ADDR") == "" {
		t.Skip("FLOORWATCH_CLICKHOUSE_ADDR is not set (deployments/local/services env)")
	}
	conn := smallDataSet(t)
	panel := panelSQL(t, indicatorsPanel)
	end := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	periods := []struct{ name, from, to string }{
		{"the whole data set", "-48h", "0s"},
		{"a live hour", "-1h", "0s"},
		{"a past day", "-36h", "-12h"},
		{"a past hour while conversations are open", "-25h", "-24h"},
		{"an instant-long period", "-30h", "-30h"},
		{"a period after the data", "1h", "2h"},
	}
	filters := []grafana.Vars{
		{},
		{"tenant": {"t1"}},
		{"channel": {"x"}, "tenant": {"t0"}},
		{"team": {"team_moved"}},
		{"team": {"team3"}},
		{"team": {"team3", "team_moved"}, "channel": {"x", "whatsapp"}},
		{"operator": {"op17"}},
		{"interaction_type": {"messaging"}, "channel": {"instagram"}},
	}
	ctx := context.Background()
	for _, p := range periods {
		from, to := end.Add(duration(t, p.from)), end.Add(duration(t, p.to))
		for _, f := range filters {
			t.Run(fmt.Sprintf("%s/%v", p.name, f), func(t *testing.T) {
				want := figures(ctx, t, conn, grafana.ExpandVars(viewIndicators, from, to, time.Hour, f))
				got := figures(ctx, t, conn, grafana.ExpandVars(panel, from, to, time.Hour, f))
				if !slices.Equal(got, want) {
					t.Errorf("panel shows %v, conversations_as_of gives %v", got, want)
				}
				t.Logf("total, active, queued, to_recover, expired, attended, unattended, pending_first_response, transferred, closed: %v", got)
			})
		}
	}
}

// smallDataSet is 2 000 conversations over 2 days ending 2026-05-01, with
// a reshuffled status history, in a fresh database.
func smallDataSet(t *testing.T) driver.Conn {
	_, db := testenv.ClickHouseDatabase(t, "indicators")
	addr, _ := testenv.ClickHouse(t)
	cfg := config.Default().ClickHouse
	cfg.Addr, cfg.Database = addr, db
	ctx := context.Background()
	if err := sinkch.Migrate(ctx, cfg, sinkch.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	conn := testenv.ClickHouseConn(t, db)
	s := Scale{Events: 20_000, Days: 2, End: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}
	if _, err := Generate(ctx, conn, s); err != nil {
		t.Fatal(err)
	}
	if err := conn.Exec(ctx, reshuffle); err != nil {
		t.Fatal(err)
	}
	return conn
}

func panelSQL(t *testing.T, title string) string {
	ds, err := grafana.Load(os.DirFS("../../deployments/grafana/dashboards"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		for _, p := range d.Panels {
			if p.Title == title {
				return p.SQL()
			}
		}
	}
	t.Fatalf("no panel %q", title)
	return ""
}

func figures(ctx context.Context, t *testing.T, conn driver.Conn, sql string) []uint64 {
	rows, err := conn.Query(ctx, sql)
	if err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
	defer rows.Close()
	var out []uint64
	for rows.Next() {
		vals := make([]uint64, len(rows.Columns()))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, vals...)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func duration(t *testing.T, s string) time.Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
