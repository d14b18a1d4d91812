package grafana

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/internal/testenv"
	sinkch "github.com/floorwatch/floorwatch/sinks/clickhouse"
)

func TestExpandMatchesThePluginMacros(t *testing.T) {
	from, to := time.Unix(1000, 0), time.Unix(2000, 0)
	got := Expand("WHERE $__timeFilter(minute) AND t < $__toTime_ms AND tenant = '${tenant}' GROUP BY $__timeInterval(at)", from, to, time.Minute)
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
	ds, err := Load(os.DirFS("dashboards"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 3 {
		t.Fatalf("want 3 dashboards, found %d", len(ds))
	}
	to := time.Now()
	from := to.Add(-6 * time.Hour)
	for _, d := range ds {
		for _, p := range d.Panels {
			t.Run(d.Title+"/"+p.Title, func(t *testing.T) {
				sql := Expand(p.Targets[0].RawSQL, from, to, time.Minute)
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
