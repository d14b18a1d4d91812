package clickhouse

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/internal/testenv"
	"github.com/floorwatch/floorwatch/schemas"
)

// day is a minute of the metric deltas these tests write.
var day = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// The minute tables merge duration bounds with min and max, in the
// minute table and in its hour and day rollups, whatever the merge order;
// a delta that retracts only leaves them alone, and a record from before
// bounds existed widens them to "unknown".
func TestMetricBoundsMergeWithMinAndMaxIntoEveryRollup(t *testing.T) {
	cfg := testDatabase(t)
	ctx := context.Background()
	conn := testenv.ClickHouseConn(t, cfg.Database)
	minute := schemas.At(day)
	delta := func(tenant string, add ...[3]int64) []byte {
		m := schemas.MetricDelta{V: 1, Minute: minute, Segment: schemas.Segment{Tenant: tenant, Team: "sales"}}
		for _, a := range add {
			m.Reply.Add(a[0], a[1], a[2])
		}
		return mustJSON(m)
	}
	// acme: two durations in one delta, one in another, then a retraction.
	// globex: a record without bounds (written before they existed).
	oldRecord := mustJSON(schemas.MetricDelta{V: 1, Minute: minute, Segment: schemas.Segment{Tenant: "globex", Team: "sales"},
		Reply: schemas.DurationDelta{Count: 1, SumMs: 5000, Buckets: map[int32]int64{schemas.SketchBucket(5000): 1}}})
	for i, v := range [][]byte{
		delta("acme", [3]int64{600_000, 60_000, 1}, [3]int64{300_000, 30_000, 1}),
		delta("acme", [3]int64{900_000, 90_000, 1}),
		delta("acme", [3]int64{900_000, 90_000, -1}),
		delta("globex", [3]int64{4000, 4000, 1}),
		oldRecord,
	} {
		rows, err := Rows(schemas.TopicMetrics, v)
		if err != nil {
			t.Fatal(err)
		}
		// One insert each: separate parts, merged by the engine or by the query.
		if err := InsertRows(ctx, conn, rows, fmt.Sprint("bounds-", i)); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]string{
		"acme":   fmt.Sprintf("n=2 min=300000 max=900000 bmin=30000 bmax=90000 business={\"%d\":1,\"%d\":1}", schemas.SketchBucket(30_000), schemas.SketchBucket(60_000)),
		"globex": fmt.Sprintf("n=2 min=0 max=%d bmin=0 bmax=%d business={\"%d\":1}", int64(math.MaxInt64), int64(math.MaxInt64), schemas.SketchBucket(4000)),
	}
	for _, table := range []string{"metrics_minute", "metrics_hour", "metrics_day"} {
		for _, final := range []string{"", "FINAL"} {
			t.Run(table+" "+final, func(t *testing.T) {
				if final == "FINAL" {
					if err := conn.Exec(ctx, "OPTIMIZE TABLE "+table+" FINAL"); err != nil {
						t.Fatal(err)
					}
				}
				rows, err := conn.Query(ctx, `SELECT tenant, sum(reply_count), min(reply_min_ms), max(reply_max_ms),
					min(reply_business_min_ms), max(reply_business_max_ms),
					toJSONString(mapFilter((k, v) -> v != 0, sumMap(reply_business_buckets)))
					FROM `+table+` GROUP BY tenant ORDER BY tenant`)
				if err != nil {
					t.Fatal(err)
				}
				defer rows.Close()
				got := map[string]string{}
				for rows.Next() {
					var tenant, business string
					var n, lo, hi, blo, bhi int64
					if err := rows.Scan(&tenant, &n, &lo, &hi, &blo, &bhi, &business); err != nil {
						t.Fatal(err)
					}
					got[tenant] = fmt.Sprintf("n=%d min=%d max=%d bmin=%d bmax=%d business=%s", n, lo, hi, blo, bhi, business)
				}
				for k, w := range want {
					if got[k] != w {
						t.Errorf("%s:\n got %s\nwant %s", k, got[k], w)
					}
				}
			})
		}
	}
}

func TestRowsOfAMetricDeltaWithoutDurationsHoldTheBoundsIdentity(t *testing.T) {
	b, _ := json.Marshal(schemas.MetricDelta{V: 1, Minute: schemas.At(day), Segment: schemas.Segment{Tenant: "acme"}, Opened: 1})
	rows, err := Rows(schemas.TopicMetrics, b)
	if err != nil {
		t.Fatal(err)
	}
	r := rows[0].Value.(*metricsMinuteRow)
	if r.ReplyMinMs != math.MaxInt64 || r.ReplyBusinessMinMs != math.MaxInt64 {
		t.Errorf("reply min %d, business min %d: want the identity of min", r.ReplyMinMs, r.ReplyBusinessMinMs)
	}
	if r.ReplyMaxMs != 0 || r.ReplyBusinessMaxMs != 0 {
		t.Errorf("reply max %d, business max %d: want the identity of max", r.ReplyMaxMs, r.ReplyBusinessMaxMs)
	}
}

// Rows written before migration 0009 (or by an insert that names only the
// old columns) read their bounds from the columns' defaults: unknown when
// they hold durations, the identity when they hold none.
func TestRowsWithoutBoundsColumnsReadUnknownOrIdentityBounds(t *testing.T) {
	cfg := testDatabase(t)
	ctx := context.Background()
	conn := testenv.ClickHouseConn(t, cfg.Database)
	err := conn.Exec(ctx, `INSERT INTO metrics_minute (minute, tenant, opened, reply_count, reply_buckets)
		VALUES ('2026-11-20 09:00:00', 'with', 0, 1, map(600, 1)), ('2026-11-20 09:00:00', 'without', 1, 0, map())`)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := conn.Query(ctx, `SELECT tenant, reply_min_ms, reply_max_ms, reply_business_min_ms, reply_business_max_ms
		FROM metrics_minute ORDER BY tenant`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var tenant string
		var lo, hi, blo, bhi int64
		if err := rows.Scan(&tenant, &lo, &hi, &blo, &bhi); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprint(tenant, lo, hi, blo, bhi))
	}
	want := []string{fmt.Sprint("with", 0, int64(math.MaxInt64), 0, int64(math.MaxInt64)),
		fmt.Sprint("without", int64(math.MaxInt64), 0, int64(math.MaxInt64), 0)}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
