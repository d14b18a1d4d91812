package grafana

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/internal/testenv"
	sinkch "github.com/floorwatch/floorwatch/sinks/clickhouse"
)

type dashboard struct {
	Title  string  `json:"title"`
	Panels []panel `json:"panels"`
}

type panel struct {
	Title   string `json:"title"`
	Targets []struct {
		RawSQL string `json:"rawSql"`
	} `json:"targets"`
	Floorwatch struct {
		Columns []string `json:"columns"`
	} `json:"floorwatch"`
}

// expand replaces the grafana-clickhouse-datasource macros and the
// template variables ("All" selected) the way Grafana sends them.
func expand(sql string, from, to time.Time, interval time.Duration) string {
	col := `\(([^()]*(?:\([^()]*\))?[^()]*)\)`
	rules := []struct{ re, with string }{
		{`\$__timeFilter_ms` + col, fmt.Sprintf("$1 >= fromUnixTimestamp64Milli(%d) AND $1 <= fromUnixTimestamp64Milli(%d)", from.UnixMilli(), to.UnixMilli())},
		{`\$__timeFilter` + col, fmt.Sprintf("$1 >= toDateTime(%d) AND $1 <= toDateTime(%d)", from.Unix(), to.Unix())},
		{`\$__timeInterval_ms` + col, fmt.Sprintf("toStartOfInterval(toDateTime64($1, 3), INTERVAL %d millisecond)", interval.Milliseconds())},
		{`\$__timeInterval` + col, fmt.Sprintf("toStartOfInterval(toDateTime($1), INTERVAL %d second)", int(interval.Seconds()))},
		{`\$__fromTime_ms`, fmt.Sprintf("fromUnixTimestamp64Milli(%d)", from.UnixMilli())},
		{`\$__toTime_ms`, fmt.Sprintf("fromUnixTimestamp64Milli(%d)", to.UnixMilli())},
		{`\$__fromTime`, fmt.Sprintf("toDateTime(%d)", from.Unix())},
		{`\$__toTime`, fmt.Sprintf("toDateTime(%d)", to.Unix())},
		{`\$__interval_s`, fmt.Sprint(int(interval.Seconds()))},
		{`\$\{[a-z_]+\}`, "__all"},
	}
	for _, r := range rules {
		sql = regexp.MustCompile(r.re).ReplaceAllString(sql, r.with)
	}
	return sql
}

func TestExpandMatchesThePluginMacros(t *testing.T) {
	from, to := time.Unix(1000, 0), time.Unix(2000, 0)
	got := expand("WHERE $__timeFilter(minute) AND t < $__toTime_ms AND tenant = '${tenant}' GROUP BY $__timeInterval(at)", from, to, time.Minute)
	want := "WHERE minute >= toDateTime(1000) AND minute <= toDateTime(2000) AND t < fromUnixTimestamp64Milli(2000000) " +
		"AND tenant = '__all' GROUP BY toStartOfInterval(toDateTime(at), INTERVAL 60 second)"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestEveryPanelQueryRunsAndReturnsItsColumns(t *testing.T) {
	_, db := testenv.ClickHouseDatabase(t, "grafana")
	addr, _ := testenv.ClickHouse(t)
	cfg := config.Default().ClickHouse
	cfg.Addr, cfg.Database = addr, db
	ctx := context.Background()
	if err := sinkch.Migrate(ctx, cfg, sinkch.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	conn := testenv.ClickHouseConn(t, db)
	files, _ := filepath.Glob("dashboards/*.json")
	if len(files) != 3 {
		t.Fatalf("want 3 dashboards, found %v", files)
	}
	to := time.Now()
	from := to.Add(-6 * time.Hour)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var d dashboard
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, p := range d.Panels {
			t.Run(d.Title+"/"+p.Title, func(t *testing.T) {
				sql := expand(p.Targets[0].RawSQL, from, to, time.Minute)
				if strings.Contains(sql, "$") {
					t.Fatalf("unexpanded macro or variable in:\n%s", sql)
				}
				rows, err := conn.Query(ctx, sql)
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
