package grafana

import (
	"context"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/internal/testenv"
	sinkch "github.com/floorwatch/floorwatch/sinks/clickhouse"
)

// segmentVars are the template variables of every supervisor dashboard.
var segmentVars = []string{"tenant", "channel", "interaction_type", "team", "operator"}

func TestExpandMatchesThePluginMacros(t *testing.T) {
	from, to := time.Unix(1000, 0), time.Unix(2000, 0)
	sql := "WHERE $__timeFilter(minute) AND t < $__toTime_ms AND ('__all' IN (${team:singlequote}) OR team IN (${team:singlequote})) GROUP BY $__timeInterval(at)"
	head := "WHERE minute >= toDateTime(1000) AND minute <= toDateTime(2000) AND t < fromUnixTimestamp64Milli(2000000) AND "
	tail := " GROUP BY toStartOfInterval(toDateTime(at), INTERVAL 60 second)"
	cases := []struct {
		name string
		vars Vars
		want string
	}{
		{"All", nil, "('__all' IN ('__all') OR team IN ('__all'))"},
		{"one team", Vars{"team": {"sales"}}, "('__all' IN ('sales') OR team IN ('sales'))"},
		{"two teams, one with a quote", Vars{"team": {"sales", "o'hara"}},
			`('__all' IN ('sales','o\'hara') OR team IN ('sales','o\'hara'))`},
	}
	for _, c := range cases {
		if got := ExpandVars(sql, from, to, time.Minute, c.vars); got != head+c.want+tail {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, head+c.want+tail)
		}
	}
}

// selections are the variable choices every panel is run with: all on
// "All", one value each, and two values each (multi-select).
var selections = map[string]Vars{
	"all":          nil,
	"one each":     {"tenant": {"acme"}, "channel": {"whatsapp"}, "interaction_type": {"messaging"}, "team": {"sales"}, "operator": {"ana"}},
	"two each":     {"tenant": {"acme", "globex"}, "channel": {"whatsapp", "x"}, "interaction_type": {"messaging", "voice"}, "team": {"sales", "support"}, "operator": {"ana", "bob"}},
	"two teams":    {"team": {"sales", "support"}},
	"a quote in a": {"operator": {"o'hara"}},
}

func TestEveryPanelQueryRunsAndReturnsItsColumns(t *testing.T) {
	conn := migrated(t)
	ds := dashboards(t)
	to := time.Now()
	from := to.Add(-6 * time.Hour)
	for _, d := range ds {
		for _, p := range d.Panels {
			for name, vars := range selections {
				t.Run(d.Title+"/"+p.Title+"/"+name, func(t *testing.T) {
					sql := ExpandVars(p.SQL(), from, to, time.Minute, vars)
					if strings.Contains(sql, "$") {
						t.Fatalf("unexpanded macro or variable in:\n%s", sql)
					}
					rows, err := conn.Query(context.Background(), sql)
					if err != nil {
						t.Fatalf("%v\n%s", err, sql)
					}
					defer rows.Close()
					if got := rows.Columns(); !slices.Equal(got, p.Floorwatch.Columns) {
						t.Errorf("columns %v, want %v", got, p.Floorwatch.Columns)
					}
				})
			}
		}
	}
}

// bareVariable is a variable interpolated without a format: with two
// values selected it would read a,b, which no SQL filter can use.
var bareVariable = regexp.MustCompile(`\$\{[a-z_]+\}|\$[a-z_]+\b`)

func TestSupervisorDashboardsFilterEverySegmentWithMultiSelectVariables(t *testing.T) {
	for _, d := range supervisorDashboards(t) {
		var names []string
		for _, v := range d.Templating.List {
			names = append(names, v.Name)
			if !v.Multi || !v.IncludeAll || v.AllValue != AllValue {
				t.Errorf("%s: variable %s: multi %v, includeAll %v, allValue %q; want multi, All, %q",
					d.Title, v.Name, v.Multi, v.IncludeAll, v.AllValue, AllValue)
			}
		}
		if !slices.Equal(names, segmentVars) {
			t.Errorf("%s: variables %v, want %v", d.Title, names, segmentVars)
		}
		for _, p := range d.Panels {
			sql := p.SQL()
			if m := bareVariable.FindString(strings.ReplaceAll(sql, "$__", "")); m != "" {
				t.Errorf("%s / %s: %s is interpolated without a format", d.Title, p.Title, m)
			}
			if !strings.Contains(sql, "${") {
				continue // reads no segment (the watermarks)
			}
			filtered := segmentVars
			if s := p.Floorwatch.Segments; s != nil {
				if !slices.Contains(s, "tenant") {
					t.Errorf("%s / %s: declares segments %v, without tenant", d.Title, p.Title, s)
				}
				filtered = s
			}
			for _, v := range filtered {
				filter := "('__all' IN (${" + v + ":singlequote}) OR "
				if !strings.Contains(sql, filter) {
					t.Errorf("%s / %s: does not filter on %s with %s…", d.Title, p.Title, v, filter)
				}
			}
		}
	}
}

// Every supervisor dashboard shows p99 beside p50 and p90, business-time
// durations, pending first responses and how fresh its data is.
func TestSupervisorDashboardsShowPercentilesBusinessTimePendingAndFreshness(t *testing.T) {
	wants := [][]string{
		{"p50_ms", "p90_ms", "p99_ms"},
		{"business_p50_ms", "business_p90_ms", "business_p99_ms"},
		{"pending_first_response"},
		{"complete_until"},
	}
	for _, d := range supervisorDashboards(t) {
		for _, want := range wants {
			found := slices.ContainsFunc(d.Panels, func(p Panel) bool {
				return !slices.ContainsFunc(want, func(c string) bool { return !slices.Contains(p.Floorwatch.Columns, c) })
			})
			if !found {
				t.Errorf("%s: no panel shows %v", d.Title, want)
			}
		}
	}
}

func dashboards(t *testing.T) []Dashboard {
	t.Helper()
	ds, err := Load(os.DirFS("dashboards"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 3 {
		t.Fatalf("want 3 dashboards, found %d", len(ds))
	}
	return ds
}

// supervisorDashboards are the dashboards with segment variables (all but
// pipeline health, which is about the pipeline itself).
func supervisorDashboards(t *testing.T) []Dashboard {
	var out []Dashboard
	for _, d := range dashboards(t) {
		if len(d.Templating.List) > 0 {
			out = append(out, d)
		}
	}
	if len(out) != 2 {
		t.Fatalf("want 2 supervisor dashboards, found %d", len(out))
	}
	return out
}

// migrated returns a connection to a fresh, migrated database.
func migrated(t *testing.T) driver.Conn {
	t.Helper()
	_, db := testenv.ClickHouseDatabase(t, "grafana")
	addr, _ := testenv.ClickHouse(t)
	cfg := config.Default().ClickHouse
	cfg.Addr, cfg.Database = addr, db
	if err := sinkch.Migrate(context.Background(), cfg, sinkch.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	return testenv.ClickHouseConn(t, db)
}
