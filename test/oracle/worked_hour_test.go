package oracle

import (
	"testing"

	"github.com/floorwatch/floorwatch/schemas"
)

// The worked hour of docs/indicators.md §3, period 09:00-10:00, default
// policy (no business hours: business time is calendar time):
//
//	A writes 09:00, routed to sales 09:01, ana assigned 09:02, replies 09:04,
//	  A writes 09:10, ana replies 09:13, ana closes 09:30.
//	B writes 09:20, routed to sales 09:21, bob assigned 09:22, no reply.
//	C writes 08:00, routed to support 08:01, carl replies 08:30,
//	  transferred to the support queue 09:15.
//	D writes 07:00, closed 08:00: closed before the period.
//	F writes 09:50, still with the bot.
func workedHour(t *testing.T) *story {
	s := newStory(t)
	s.customer("A", "09:00").routed("A", "09:01", "sales").assigned("A", "09:02", "ana").replied("A", "09:04", "ana").
		customer("A", "09:10").replied("A", "09:13", "ana").closed("A", "09:30", operator("ana"))
	s.customer("B", "09:20").routed("B", "09:21", "sales").assigned("B", "09:22", "bob")
	s.customer("C", "08:00").routed("C", "08:01", "support").replied("C", "08:30", "carl").
		transferred("C", "09:15", toTeam("support"), operator("carl"))
	s.customer("D", "07:00").closed("D", "08:00")
	s.customer("F", "09:50")
	return s
}

func TestTheWorkedHourOfTheDocs(t *testing.T) {
	r := workedHour(t).report(policies{}, "09:00", "10:00")
	want := schemas.ReportSegment{Key: map[string]string{},
		Total:      4, // A, B, C, F; D closed before the period
		Queued:     1, // C, after its transfer to a queue
		ToRecover:  1, // B: wait counted from its routing 09:21, threshold reached 09:36
		Attended:   2, // A (09:04) and C (08:30: an action before `to`, even before `from`)
		Unattended: 1, // B; F is not routed
		// B: bob assigned, a customer message, no reply.
		PendingFirstResponse: 1,
		Transferred:          1,        // C at 09:15
		Closed:               1,        // A at 09:30
		ServiceLevel:         f64(1.0), // A's 2 min ≤ 5 min
		// A: 09:04 − 09:02; C's first response was at 08:30, before the period.
		FirstResponse: schemas.ReportStats{Count: 1, AvgMs: f64(120000), P50Ms: ms(120000), P90Ms: ms(120000), P99Ms: ms(120000),
			BusinessAvgMs: f64(120000), BusinessP50Ms: ms(120000), BusinessP90Ms: ms(120000), BusinessP99Ms: ms(120000)},
		// A: 09:13 − 09:10; one duration reads exactly itself (the bucket alone reads 181 744).
		Reply: schemas.ReportStats{Count: 1, AvgMs: f64(180000), P50Ms: ms(180000), P90Ms: ms(180000), P99Ms: ms(180000),
			BusinessAvgMs: f64(180000), BusinessP50Ms: ms(180000), BusinessP90Ms: ms(180000), BusinessP99Ms: ms(180000)},
		// A: 09:30 − 09:00.
		Resolution: schemas.ReportStats{Count: 1, AvgMs: f64(1800000), P50Ms: ms(1800000), P90Ms: ms(1800000), P99Ms: ms(1800000),
			BusinessAvgMs: f64(1800000), BusinessP50Ms: ms(1800000), BusinessP90Ms: ms(1800000), BusinessP99Ms: ms(1800000)},
	}
	if d := Diff(schemas.Report{From: r.From, To: r.To, CompleteUntil: r.To, By: []string{}, Segments: []schemas.ReportSegment{want}}, r); len(d) > 0 {
		t.Errorf("the worked hour:\n%v", d)
	}
	if r.CompleteUntil != r.To {
		t.Errorf("complete_until %s, want --to %s", r.CompleteUntil, r.To)
	}
}

// By team: sales has A and B, support has C (queued, transferred), the
// empty team has F; segments sorted by key.
func TestTheWorkedHourByTeam(t *testing.T) {
	r := workedHour(t).report(policies{}, "09:00", "10:00", "team")
	var keys []string
	for _, s := range r.Segments {
		keys = append(keys, s.Key["team"])
	}
	if want := []string{"", "sales", "support"}; len(keys) != 3 || keys[0] != want[0] || keys[1] != want[1] || keys[2] != want[2] {
		t.Fatalf("segments %q, want %q", keys, want)
	}
	sales, support, none := segmentOf(t, r, "sales"), segmentOf(t, r, "support"), segmentOf(t, r, "")
	if sales.Total != 2 || sales.ToRecover != 1 || sales.Closed != 1 || sales.FirstResponse.Count != 1 {
		t.Errorf("sales: %+v, want total 2, to_recover 1 (B), closed 1 (A), one first response", sales)
	}
	if support.Total != 1 || support.Queued != 1 || support.Transferred != 1 || support.FirstResponse.Count != 0 {
		t.Errorf("support: %+v, want C alone: queued, transferred, no first response in the period", support)
	}
	if none.Total != 1 || none.Unattended != 0 || none.ServiceLevel != nil || none.Reply.AvgMs != nil {
		t.Errorf("no team: %+v, want F alone, not routed, null averages and service level", none)
	}
}

// Without any event, a report without --by still has its one segment.
func TestAnEmptyLogHasOneEmptySegment(t *testing.T) {
	r := newStory(t).report(policies{}, "09:00", "10:00")
	if len(r.Segments) != 1 || r.Segments[0].Total != 0 || len(r.Segments[0].Key) != 0 {
		t.Fatalf("segments %+v, want one empty segment", r.Segments)
	}
	if r := newStory(t).report(policies{}, "09:00", "10:00", "team"); len(r.Segments) != 0 {
		t.Fatalf("by team: segments %+v, want none", r.Segments)
	}
}
