package windows

import (
	"fmt"
	"slices"
	"strings"
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

// A transfer writes the interval it starts, in the new team, and leaves
// the intervals before it as written, in the team they were in: the
// history says where the conversation was at every instant.
func TestATransferWritesOnlyTheIntervalItStarts(t *testing.T) {
	rn := newRunner(t)
	c, r, a := schemas.KindCustomerMessage, schemas.KindRouted, schemas.KindAssigned
	for _, e := range []schemas.Event{ev("m1", c, 0, nil), ev("r1", r, 1, team("sales")), ev("a1", a, 2, op("ana"))} {
		rn.apply(e)
	}
	written := map[int32]schemas.StatusChange{}
	for _, ch := range rn.out.Changes {
		written[ch.Seq] = ch
	}
	if got := written[1]; got.Status != schemas.StatusQueued || got.Segment.Team != "sales" || got.Segment.Operator != "" {
		t.Fatalf("interval 1 %+v, want queued in sales with no operator", got)
	}
	rn.out = Records{}
	rn.apply(ev("t1", schemas.KindTransferred, 5, func(e *schemas.Event) { e.ToTeam, e.ToOperator = "billing", "bob" }))
	var got []string
	for _, ch := range rn.out.Changes {
		got = append(got, fmt.Sprintf("%d %s %s/%s from %s to %s", ch.Seq, ch.Status, ch.Segment.Team, ch.Segment.Operator,
			ch.ValidFrom.Format("15:04"), ch.ValidTo.Format("15:04")))
	}
	want := []string{
		"2 active sales/ana from 10:02 to 10:05", // closed by the transfer
		"3 active billing/bob from 10:05 to 00:00",
	}
	if !slices.Equal(got, want) {
		t.Errorf("status changes\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
