package windows

import (
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// A presence event that arrives after the conversation was written
// changes its past; the before-view already shows it, so only the
// fingerprints of what was written reveal the change.
func TestALatePresenceEventRewritesTheRowAndHistory(t *testing.T) {
	rn := newRunner(t)
	c, r, a := schemas.KindCustomerMessage, schemas.KindRouted, schemas.KindAssigned
	for _, e := range []schemas.Event{ev("m1", c, 0, nil), ev("r1", r, 1, team("sales")), ev("a1", a, 2, op("ana"))} {
		rn.apply(e)
	}
	rn.advance(day.Add(10 * time.Minute))
	rn.out = Records{}
	away := ev("s1", schemas.KindOperatorStatus, 5, func(e *schemas.Event) { e.Operator, e.Status = "ana", "away" })
	if _, err := rn.pr.Apply(&away); err != nil {
		t.Fatal(err)
	}
	rn.advance(rn.lastNow)
	if len(rn.out.Deltas) != 0 {
		t.Fatalf("presence changed metric deltas: %+v", rn.out.Deltas)
	}
	if len(rn.out.Rows) != 1 || rn.out.Rows[0].RecoverReason != schemas.ReasonOperatorUnavailable {
		t.Fatalf("rows %+v, want one row to_recover (operator_unavailable)", rn.out.Rows)
	}
	var found bool
	for _, ch := range rn.out.Changes {
		found = found || (ch.RecoverReason == schemas.ReasonOperatorUnavailable && ch.ValidFrom.Equal(day.Add(5*time.Minute)))
	}
	if !found {
		t.Fatalf("status changes %+v, want operator_unavailable from 10:05", rn.out.Changes)
	}
}
