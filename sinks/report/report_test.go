package report

import (
	"context"
	"encoding/json"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/internal/testenv"
	"github.com/floorwatch/floorwatch/schemas"
	sinkch "github.com/floorwatch/floorwatch/sinks/clickhouse"
)

// The data set: five conversations in the period 09:00-10:00 and two
// outside it, each described by its latest row and its status history.
//
//	c1  08:50 opened, routed t1, 08:52 assigned o1, 09:05 first reply (13 min, 10 of them
//	    in business hours), 09:30 closed (40 min, 25 in business hours)
//	c2  09:10 opened, 09:11 routed t2, still queued
//	c3  09:20 opened, routed t2, 09:22 assigned o2, 09:40 transferred to t1 (queued),
//	    10:05 assigned o1 and 10:06 first reply (after the period)
//	c4  09:30 opened, routed t1, 09:32 assigned o1, 09:47 to_recover (unanswered)
//	c5  07:00-08:00, closed before the period;  c6 opened 10:10, after it
//	c7  09:00 opened, routed t1, assigned o1, 09:03 first reply (1 min), 09:12 reply
//	    (2 min, 1.5 in business hours)
func day(hhmm string) schemas.Time {
	t, err := time.Parse("15:04", hhmm)
	if err != nil {
		panic(err)
	}
	return schemas.At(time.Date(2026, 11, 20, t.Hour(), t.Minute(), 0, 0, time.UTC))
}

type span struct {
	status, team, operator, from, to string
}

func conversation(id string, version int64, row schemas.ConversationRow, history ...span) []any {
	row.V, row.ConversationID, row.Version = 1, id, version
	row.Tenant, row.Channel, row.AccountID, row.CustomerID = "acme", schemas.WhatsApp, "a1", "u-"+id
	row.InteractionType = "messaging"
	if row.FirstResponseMs == 0 {
		row.FirstResponseMs = -1
	}
	if row.ResolutionMs == 0 {
		row.ResolutionMs = -1
	}
	recs := []any{row}
	for i, h := range history {
		sc := schemas.StatusChange{V: 1, ConversationID: id, Seq: int32(i), Version: 1, Status: h.status,
			Segment:   schemas.Segment{Tenant: "acme", Channel: schemas.WhatsApp, InteractionType: "messaging", Team: h.team, Operator: h.operator},
			ValidFrom: day(h.from)}
		if h.to != "" {
			sc.ValidTo = day(h.to)
		}
		if h.status == schemas.StatusToRecover {
			sc.RecoverReason = schemas.ReasonUnanswered
		}
		recs = append(recs, sc)
	}
	return recs
}

func dur(kind, ended, team, op string, ms, businessMs int64) schemas.DurationRecord {
	return schemas.DurationRecord{Kind: kind, EndedAt: day(ended), Team: team, Operator: op, Ms: ms, BusinessMs: businessMs}
}

func dataSet() [][]any {
	return [][]any{
		conversation("c1", 5, schemas.ConversationRow{Team: "t1", Operator: "o1", Status: "closed",
			OpenedAt: day("08:50"), RoutedAt: day("08:51"), AssignedAt: day("08:52"), AttendedAt: day("09:05"),
			FirstResponseAt: day("09:05"), LastCustomerMessageAt: day("08:50"), ClosedAt: day("09:30"), LastEventAt: day("09:30"),
			Durations: []schemas.DurationRecord{dur("first_response", "09:05", "t1", "o1", 780000, 600000),
				dur("resolution", "09:30", "t1", "o1", 2400000, 1500000)}},
			span{"bot", "", "", "08:50", "08:51"}, span{"queued", "t1", "", "08:51", "08:52"},
			span{"active", "t1", "o1", "08:52", "09:30"}, span{"closed", "t1", "o1", "09:30", ""}),
		conversation("c2", 2, schemas.ConversationRow{Team: "t2", Status: "queued", OpenedAt: day("09:10"),
			RoutedAt: day("09:11"), LastCustomerMessageAt: day("09:10"), WaitStartedAt: day("09:10"), LastEventAt: day("09:11")},
			span{"bot", "", "", "09:10", "09:11"}, span{"queued", "t2", "", "09:11", ""}),
		conversation("c3", 6, schemas.ConversationRow{Team: "t1", Operator: "o1", Status: "active",
			OpenedAt: day("09:20"), RoutedAt: day("09:21"), AssignedAt: day("09:22"), AttendedAt: day("09:40"),
			FirstResponseAt: day("10:06"), LastCustomerMessageAt: day("09:20"), LastEventAt: day("10:06"),
			TransferTimes: []schemas.Time{day("09:40")},
			Durations:     []schemas.DurationRecord{dur("first_response", "10:06", "t1", "o1", 2640000, 2640000)}},
			span{"bot", "", "", "09:20", "09:21"}, span{"queued", "t2", "", "09:21", "09:22"},
			span{"active", "t2", "o2", "09:22", "09:40"}, span{"queued", "t1", "", "09:40", "10:05"},
			span{"active", "t1", "o1", "10:05", ""}),
		conversation("c4", 4, schemas.ConversationRow{Team: "t1", Operator: "o1", Status: "to_recover",
			RecoverReason: "unanswered", OpenedAt: day("09:30"), RoutedAt: day("09:31"), AssignedAt: day("09:32"),
			LastCustomerMessageAt: day("09:30"), WaitStartedAt: day("09:30"), LastEventAt: day("09:32")},
			span{"bot", "", "", "09:30", "09:31"}, span{"queued", "t1", "", "09:31", "09:32"},
			span{"active", "t1", "o1", "09:32", "09:47"}, span{"to_recover", "t1", "o1", "09:47", ""}),
		conversation("c5", 3, schemas.ConversationRow{Team: "t1", Status: "closed", OpenedAt: day("07:00"),
			ClosedAt: day("08:00"), LastEventAt: day("08:00"),
			Durations: []schemas.DurationRecord{dur("resolution", "08:00", "t1", "", 3600000, 0)}},
			span{"bot", "", "", "07:00", "08:00"}, span{"closed", "", "", "08:00", ""}),
		conversation("c6", 1, schemas.ConversationRow{Status: "bot", OpenedAt: day("10:10"), LastEventAt: day("10:10")},
			span{"bot", "", "", "10:10", ""}),
		// An older version of c7 carried a reply that a late event retracted.
		conversation("c7", 1, schemas.ConversationRow{Team: "t1", Operator: "o1", Status: "active",
			OpenedAt: day("09:00"), LastEventAt: day("09:04"),
			Durations: []schemas.DurationRecord{dur("first_response", "09:03", "t1", "o1", 60000, 60000),
				dur("reply", "09:04", "t1", "o1", 5000, 5000), dur("reply", "09:05", "t1", "o1", 5000, 5000)}}),
		conversation("c7", 3, schemas.ConversationRow{Team: "t1", Operator: "o1", Status: "active",
			OpenedAt: day("09:00"), RoutedAt: day("09:01"), AssignedAt: day("09:02"), AttendedAt: day("09:03"),
			FirstResponseAt: day("09:03"), LastCustomerMessageAt: day("09:10"), LastEventAt: day("09:12"),
			Durations: []schemas.DurationRecord{dur("first_response", "09:03", "t1", "o1", 60000, 60000),
				dur("reply", "09:12", "t1", "o1", 120000, 90000)}},
			span{"bot", "", "", "09:00", "09:01"}, span{"queued", "t1", "", "09:01", "09:02"},
			span{"active", "t1", "o1", "09:02", ""}),
	}
}

// loaded returns a connection to a migrated database holding the data set.
func loaded(t testing.TB) (driver.Conn, context.Context) {
	t.Helper()
	_, db := testenv.ClickHouseDatabase(t, "report")
	addr, _ := testenv.ClickHouse(t)
	cfg := config.Default().ClickHouse
	cfg.Addr, cfg.Database = addr, db
	ctx := context.Background()
	if err := sinkch.Migrate(ctx, cfg, sinkch.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	conn := testenv.ClickHouseConn(t, db)
	var rows []sinkch.Row
	for _, recs := range dataSet() {
		for _, r := range recs {
			topic := schemas.TopicStatusChanges
			if row, ok := r.(schemas.ConversationRow); ok {
				topic = schemas.TopicConversations
				// The processors write the target a first response was judged by.
				for i := range row.Durations {
					if row.Durations[i].Kind == "first_response" {
						row.Durations[i].TargetMs = (5 * time.Minute).Milliseconds()
					}
				}
				r = row
			}
			b, _ := json.Marshal(r)
			rs, err := sinkch.Rows(topic, b)
			if err != nil {
				t.Fatal(err)
			}
			rows = append(rows, rs...)
		}
	}
	if err := sinkch.InsertRows(ctx, conn, rows, "dataset"); err != nil {
		t.Fatal(err)
	}
	return conn, ctx
}

// The duration objects of the period 09:00-10:00 for segments holding
// c1 and c7: first responses of 1 and 13 min (1 and 10 in business time);
// one reply and one resolution, which read exactly themselves.
var (
	frWant    = stats([]int64{60000, 780000}, []int64{60000, 600000})
	replyWant = map[string]any{"count": 1, "avg_ms": 120000, "p50_ms": 120000, "p90_ms": 120000, "p99_ms": 120000,
		"business_avg_ms": 90000, "business_p50_ms": 90000, "business_p90_ms": 90000, "business_p99_ms": 90000}
	resWant = map[string]any{"count": 1, "avg_ms": 2400000, "p50_ms": 2400000, "p90_ms": 2400000, "p99_ms": 2400000,
		"business_avg_ms": 1500000, "business_p50_ms": 1500000, "business_p90_ms": 1500000, "business_p99_ms": 1500000}
)

// rank is the nearest-rank q-percentile of a set as the sketch reads it
// (the value of the bucket holding the ceil(q·n)-th smallest duration,
// rounded), clamped to the set's smallest and largest duration.
func rank(set []int64, q float64) int64 {
	sorted := slices.Sorted(slices.Values(set))
	v := sorted[max(1, int(math.Ceil(q*float64(len(sorted)))))-1]
	read := int64(math.Round(schemas.SketchValue(schemas.SketchBucket(v))))
	return min(max(read, sorted[0]), sorted[len(sorted)-1])
}

func avg(set []int64) float64 {
	var sum int64
	for _, v := range set {
		sum += v
	}
	return float64(sum) / float64(len(set))
}

func f64(v float64) *float64 { return &v }
