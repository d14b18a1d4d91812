package clickhouse

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/floorwatch/floorwatch/internal/testenv"
	"github.com/floorwatch/floorwatch/schemas"
)

// metrics_in(from, to, step_s) reads whole days from metrics_day, other
// whole hours from metrics_hour and the rest from metrics_minute: for
// ranges that start and end on and off the hour and the day, inside one
// hour or across several days, and for steps in whole days, whole hours or
// neither, every bucket of it sums exactly what metrics_minute sums.
func TestMetricsInReadsTheSameAsTheMinuteTable(t *testing.T) {
	cfg := testDatabase(t)
	ctx := context.Background()
	conn := testenv.ClickHouseConn(t, cfg.Database)
	start := time.Date(2026, 11, 19, 20, 0, 0, 0, time.UTC)
	// One delta every 7 minutes over 52 hours (two whole UTC days), in two
	// inserts, so minutes on both sides of every hour and day boundary
	// hold data.
	for part := range 2 {
		var rows []Row
		for m := 7 * part; m < 52*60; m += 14 {
			d := schemas.MetricDelta{V: 1, Minute: schemas.At(start.Add(time.Duration(m) * time.Minute)),
				Segment: schemas.Segment{Tenant: "acme", Team: fmt.Sprint("team", m%3)}, Opened: int64(m + 1)}
			d.Reply.Add(int64(1000*(m+1)), int64(500*(m+1)), 1)
			r, err := Rows(schemas.TopicMetrics, mustJSON(d))
			if err != nil {
				t.Fatal(err)
			}
			rows = append(rows, r...)
		}
		if err := InsertRows(ctx, conn, rows, fmt.Sprint("metrics-in-", part)); err != nil {
			t.Fatal(err)
		}
	}
	at := func(h, m, s int) time.Time {
		return start.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second)
	}
	ranges := [][2]time.Time{
		{at(0, 0, 0), at(52, 0, 0)},    // whole days and hours, to on the hour (its minute included)
		{at(4, 0, 0), at(27, 59, 0)},   // one whole day exactly
		{at(4, 0, 0), at(27, 58, 0)},   // one day but its last minute
		{at(3, 59, 59), at(28, 0, 1)},  // a second around the day
		{at(0, 13, 0), at(45, 48, 0)},  // off the hour at both ends, a whole day inside
		{at(5, 0, 1), at(7, 59, 59)},   // a second past the hour, a second before the next
		{at(6, 10, 0), at(6, 50, 0)},   // inside one hour
		{at(6, 10, 0), at(7, 50, 0)},   // across one boundary, no whole hour
		{at(9, 0, 0), at(9, 58, 0)},    // one hour but its last minute
		{at(27, 30, 0), at(28, 30, 0)}, // across a day boundary, no whole hour
	}
	sums := `count() > 0 AS any, sum(opened), sum(reply_count), sum(reply_sum_ms), min(reply_min_ms), max(reply_max_ms),
		toJSONString(mapFilter((k, v) -> v != 0, sumMap(reply_buckets)))`
	for _, r := range ranges {
		for _, step := range []int{86400, 172800, 3600, 7200, 60, 300, 5400} {
			from, to := r[0].Unix(), r[1].Unix()
			bucket := fmt.Sprintf("toStartOfInterval(minute, INTERVAL %d second)", step)
			read := func(source, filter string) []string {
				return queryStrings(t, conn, fmt.Sprintf(`SELECT toString(tuple(%s AS b, team, %s)) FROM %s WHERE %s
					GROUP BY b, team ORDER BY b, team`, bucket, sums, source, filter))
			}
			want := read("metrics_minute", fmt.Sprintf("minute >= toDateTime(%d) AND minute <= toDateTime(%d)", from, to))
			got := read(fmt.Sprintf("metrics_in(from = toDateTime(%d), to = toDateTime(%d), step_s = %d)", from, to, step), "1")
			if len(want) == 0 {
				t.Fatalf("%s .. %s: no data in the range", r[0], r[1])
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s .. %s step %d s:\nmetrics_in     %v\nmetrics_minute %v", r[0].Format(time.DateTime), r[1].Format(time.DateTime), step, got, want)
			}
		}
	}
}

// queryStrings runs q, whose rows are one string each.
func queryStrings(t *testing.T, conn driver.Conn, q string) []string {
	t.Helper()
	rows, err := conn.Query(context.Background(), q)
	if err != nil {
		t.Fatalf("%v\n%s", err, q)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
