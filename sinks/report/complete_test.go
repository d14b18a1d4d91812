package report

import (
	"encoding/json"
	"testing"

	"github.com/floorwatch/floorwatch/schemas"
	sinkch "github.com/floorwatch/floorwatch/sinks/clickhouse"
)

func TestCompleteUntilIsTheLowestPartitionWatermarkCappedAtTo(t *testing.T) {
	conn, ctx := loaded(t)
	build := func(to string) schemas.Time {
		t.Helper()
		r, err := Build(ctx, conn, day("09:00").Time, day(to).Time, nil, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		return r.CompleteUntil
	}
	if got := build("10:00"); !got.IsZero() {
		t.Errorf("without watermarks complete_until is %s, want null", got)
	}
	// Partition 0 moved on to 09:50; partition 1 is behind at 09:40; a
	// partition's older watermarks do not count.
	var rows []sinkch.Row
	for _, w := range []struct {
		partition int32
		until     string
	}{{0, "09:30"}, {0, "09:50"}, {1, "09:20"}, {1, "09:40"}} {
		b, _ := json.Marshal(schemas.Watermark{V: 1, Topic: schemas.TopicEvents, Partition: w.partition,
			CompleteUntil: day(w.until), At: day("10:00")})
		rs, err := sinkch.Rows(schemas.TopicWatermarks, b)
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, rs...)
	}
	if err := sinkch.InsertRows(ctx, conn, rows, "watermarks"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ to, want string }{{"10:00", "09:40"}, {"09:35", "09:35"}} {
		if got := build(c.to); got != day(c.want) {
			t.Errorf("report to %s: complete_until %s, want %s", c.to, got, day(c.want))
		}
	}
}
