package windows

import (
	"testing"
	"time"
)

// The processors decide whether a first response met its team's target
// and write the target they judged it by into the row, so the sink and
// SQL never recompute it from a configuration that changed since.
func TestRowsCarryTheTargetEachFirstResponseWasJudgedBy(t *testing.T) {
	r := newRunner(t)
	for _, e := range story() {
		r.apply(e)
	}
	var firsts, others int
	for _, row := range r.out.Rows {
		for _, d := range row.Durations {
			switch {
			case d.Kind == "first_response" && d.TargetMs == (5*time.Minute).Milliseconds():
				firsts++
			case d.Kind == "first_response":
				t.Fatalf("first response of %s carries target %d ms, want the team's 300000", row.ConversationID, d.TargetMs)
			case d.TargetMs != 0:
				t.Fatalf("%s of %s carries a target %d ms", d.Kind, row.ConversationID, d.TargetMs)
			default:
				others++
			}
		}
	}
	if firsts == 0 || others == 0 {
		t.Fatalf("the story wrote %d first responses and %d other durations: it checks nothing", firsts, others)
	}
	var within int64
	for _, d := range r.out.Deltas {
		within += d.FirstResponseWithinTarget
	}
	if within <= 0 {
		t.Fatal("no first response counted within the target")
	}
}
