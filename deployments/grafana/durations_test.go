package grafana

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/processors/indicators"
	"github.com/floorwatch/floorwatch/schemas"
	sinkch "github.com/floorwatch/floorwatch/sinks/clickhouse"
)

// duration is one first response: calendar and business ms, the minute
// (09:mm) it ended in, its team, and +1 or -1 (a late correction).
type duration struct {
	ms, bms int64
	minute  int
	team    string
	n       int64
}

// The duration panels read the minute tables' sketches and bounds and
// show what processors/indicators (and so the report) computes for the
// same durations: nearest-rank percentiles clamped to the set, in
// calendar and in business time, whatever the variables select.
func TestDurationPanelsShowTheIndicatorsOfTheSelectedDurations(t *testing.T) {
	conn := migrated(t)
	ds := []duration{
		{600_000, 60_000, 0, "sales", 1},
		{600_500, 600_500, 1, "sales", 1},
		{120_000, 30_000, 1, "sales", 1},
		{300_000, 30_000, 2, "sales", 1},
		{300_000, 30_000, 2, "sales", -1}, // corrected away: neither an extreme nor counted
		{60_000, 60_000, 0, "support", 1},
	}
	var rows []sinkch.Row
	for i, d := range ds {
		m := schemas.MetricDelta{V: 1, Minute: schemas.At(at("09:00").Add(time.Duration(d.minute) * time.Minute)),
			Segment: schemas.Segment{Tenant: "acme", Channel: schemas.WhatsApp, InteractionType: "messaging", Team: d.team, Operator: "ana"}}
		m.FirstResponse.Add(d.ms, d.bms, d.n)
		b, _ := json.Marshal(m)
		rs, err := sinkch.Rows(schemas.TopicMetrics, b)
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, rs...)
		// One insert per delta: the engine and the queries merge them.
		if err := sinkch.InsertRows(context.Background(), conn, rows, fmt.Sprint("d", i)); err != nil {
			t.Fatal(err)
		}
		rows = nil
	}
	want := func(teams ...string) string {
		var d indicators.Durations
		for _, x := range ds {
			for _, team := range teams {
				if x.team == team && x.n > 0 && x.ms != 300_000 {
					d.Add(x.ms, x.bms, 1)
				}
			}
		}
		s := d.Stats()
		return fmt.Sprint(s.Count, " ", *s.AvgMs, " ", *s.P50Ms, " ", *s.P90Ms, " ", *s.P99Ms, " ", *s.BusinessAvgMs, " ",
			*s.BusinessP50Ms, " ", *s.BusinessP90Ms, " ", *s.BusinessP99Ms)
	}
	cases := []struct {
		name  string
		vars  Vars
		teams []string
	}{
		{"all", nil, []string{"sales", "support"}},
		{"two teams", Vars{"team": {"sales", "support"}}, []string{"sales", "support"}},
		{"sales", Vars{"team": {"sales"}, "operator": {"ana", "bob"}}, []string{"sales"}},
		{"support", Vars{"team": {"support"}}, []string{"support"}},
	}
	from, to := at("09:00"), at("10:00")
	table := panelSQL(t, "Durations in the time range, calendar and business (ms)")
	series := panelSQL(t, "First response time p50 / p90 / p99, calendar and business (ms)")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := want(c.teams...)
			got := queryRows(t, conn, "SELECT count, avg_ms, p50_ms, p90_ms, p99_ms, business_avg_ms, business_p50_ms, business_p90_ms, business_p99_ms FROM ("+
				ExpandVars(table, from, to, time.Hour, c.vars)+") WHERE kind = 'first_response'")
			if strings.Join(got, "") != w {
				t.Errorf("durations table: %v, indicators give %s", got, w)
			}
			// The time series over one hour-long interval shows the same percentiles.
			got = queryRows(t, conn, "SELECT p50_ms, p90_ms, p99_ms, business_p50_ms, business_p90_ms, business_p99_ms FROM ("+
				ExpandVars(series, from, to, time.Hour, c.vars)+")")
			f := strings.Fields(w)
			if wantSeries := strings.Join(append(f[2:5:5], f[6:]...), " "); strings.Join(got, "") != wantSeries {
				t.Errorf("time series: %v, indicators give %s", got, wantSeries)
			}
		})
	}
	// A single duration reads exactly itself, where the bucket alone would not.
	if got := queryRows(t, conn, "SELECT p50_ms, p99_ms, business_p50_ms FROM ("+
		ExpandVars(table, from, to, time.Hour, Vars{"team": {"support"}})+") WHERE kind = 'first_response'"); strings.Join(got, "") != "60000 60000 60000" ||
		math.Round(schemas.SketchValue(schemas.SketchBucket(60_000))) == 60_000 {
		t.Errorf("one 60000 ms first response reads %v", got)
	}
	// Kinds without durations read null, not zero.
	if got := queryRows(t, conn, "SELECT kind, count, avg_ms, p50_ms, business_p99_ms FROM ("+ExpandVars(table, from, to, time.Hour, nil)+") WHERE kind != 'first_response'"); strings.Join(got, ",") != "reply 0 NULL NULL NULL,resolution 0 NULL NULL NULL" {
		t.Errorf("empty kinds: %v", got)
	}
}
