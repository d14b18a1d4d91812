package windows

import (
	"fmt"
	"slices"
	"testing"

	"github.com/floorwatch/floorwatch/schemas"
)

// brief renders a delta as "minute segment: figures", zero figures left out.
func brief(d schemas.MetricDelta) string {
	s := fmt.Sprintf("%s %s/%s:", d.Minute.Format("15:04"), d.Segment.Team, d.Segment.Operator)
	add := func(name string, v int64) {
		if v != 0 {
			s += fmt.Sprintf(" %s%+d", name, v)
		}
	}
	add("opened", d.Opened)
	add("closed", d.Closed)
	add("transfers", d.Transfers)
	add("within", d.FirstResponseWithinTarget)
	add("fr.n", d.FirstResponse.Count)
	add("fr.ms", d.FirstResponse.SumMs)
	add("res.n", d.Resolution.Count)
	add("res.ms", d.Resolution.SumMs)
	return s
}

func TestALateEventCorrectsTheMinutesItChanges(t *testing.T) {
	c, r, a, rep, cl := schemas.KindCustomerMessage, schemas.KindRouted, schemas.KindAssigned,
		schemas.KindOperatorReplied, schemas.KindClosed
	base := []schemas.Event{ev("m1", c, 10, nil), ev("r1", r, 11, team("sales")), ev("a1", a, 12, op("ana")),
		ev("p1", rep, 15, op("ana"))}
	for _, tc := range []struct {
		name string
		late schemas.Event
		want []string
	}{{
		name: "an earlier assignment lengthens the first response in the minute it ended",
		late: ev("a0", a, 11.5, op("ana")),
		want: []string{"10:15 sales/ana: fr.ms+30000"},
	}, {
		name: "an earlier customer message moves the opening to its minute",
		late: ev("m0", c, 5, nil),
		want: []string{"10:05 sales/ana: opened+1", "10:10 sales/ana: opened-1"},
	}, {
		name: "a close before the reply takes the first response back; the reply opens a new conversation",
		late: ev("x1", cl, 14, op("ana")),
		want: []string{"10:14 sales/ana: closed+1 res.n+1 res.ms+240000",
			"10:15 sales/ana: within-1 fr.n-1 fr.ms-180000", "10:15 /ana: opened+1 within+1 fr.n+1"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			rn := newRunner(t)
			for _, e := range base {
				rn.apply(e)
			}
			rn.out = Records{}
			rn.apply(tc.late)
			var got []string
			for _, d := range rn.out.Deltas {
				got = append(got, brief(d))
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("deltas\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}
