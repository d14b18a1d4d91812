package windows

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/processors/indicators"
	"github.com/floorwatch/floorwatch/schemas"
)

// end is the clock every fold is finally advanced to: past the idle close
// of the second conversation, so every timer has fired.
var end = day.Add(8 * 24 * time.Hour)

func oneShot(t *testing.T) *runner {
	r := newRunner(t)
	for _, e := range story() {
		r.apply(e)
	}
	r.advance(end)
	return r
}

func TestAnyArrivalOrderSumsToTheOneShotFold(t *testing.T) {
	want := oneShot(t)
	if len(totals(want.out.Deltas)) == 0 {
		t.Fatal("the one-shot fold emitted nothing")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		events := story()
		rng.Shuffle(len(events), func(a, b int) { events[a], events[b] = events[b], events[a] })
		// Every third permutation also delivers some events twice.
		if i%3 == 0 {
			events = append(events, events[rng.IntN(len(events))], events[rng.IntN(len(events))])
		}
		got := newRunner(t)
		for j, e := range events {
			got.apply(e)
			if j == len(events)/2 {
				got.advance(got.lastNow.Add(30 * time.Minute)) // timers fire mid-way too
			}
		}
		got.advance(end)
		if g, w := totals(got.out.Deltas), totals(want.out.Deltas); !reflect.DeepEqual(g, w) {
			t.Fatalf("permutation %d: summed deltas differ\n got %v\nwant %v", i, g, w)
		}
		if g, w := latestRows(got.out.Rows), latestRows(want.out.Rows); !reflect.DeepEqual(g, w) {
			t.Fatalf("permutation %d: latest rows differ\n got %v\nwant %v", i, g, w)
		}
		if g, w := latestHistory(got.out.Changes), latestHistory(want.out.Changes); !reflect.DeepEqual(g, w) {
			t.Fatalf("permutation %d: status history differs\n got %v\nwant %v", i, g, w)
		}
	}
}

func TestDuplicatesAddNothing(t *testing.T) {
	r := oneShot(t)
	n := len(r.out.Deltas) + len(r.out.Rows) + len(r.out.Changes)
	for _, e := range story() {
		r.apply(e)
	}
	if m := len(r.out.Deltas) + len(r.out.Rows) + len(r.out.Changes); m != n {
		t.Fatalf("re-delivering every event emitted %d more records", m-n)
	}
}

func TestVersionsGrowWithEveryChange(t *testing.T) {
	r := oneShot(t)
	last := map[string]int64{}
	for _, row := range r.out.Rows {
		if row.Version <= last[row.ConversationID] {
			t.Fatalf("row of %s has version %d after %d", row.ConversationID, row.Version, last[row.ConversationID])
		}
		last[row.ConversationID] = row.Version
	}
}

// TestDeltasSumToTheIndicators checks that summing a period's deltas per
// segment gives the durations, closes and service level that
// processors/indicators computes for the same conversations.
func TestDeltasSumToTheIndicators(t *testing.T) {
	r := oneShot(t)
	from, to := day, day.Add(time.Hour)
	b := indicators.NewBuilder(from, to, indicators.Dims, targets)
	for _, c := range r.st.Derive(nil, r.tn, r.pr, to) {
		b.Add(&c)
	}
	got := map[schemas.Segment]*indicators.Aggregate{}
	for _, d := range r.out.Deltas {
		if d.Minute.Before(from) || !d.Minute.Before(to) {
			continue
		}
		a := got[d.Segment]
		if a == nil {
			a = &indicators.Aggregate{}
			got[d.Segment] = a
		}
		a.Closed += d.Closed
		a.FirstResponseWithinTarget += d.FirstResponseWithinTarget
		a.FirstResponse.AddDelta(d.FirstResponse)
		a.Reply.AddDelta(d.Reply)
		a.Resolution.AddDelta(d.Resolution)
	}
	for _, s := range b.Segments() {
		seg := schemas.Segment{Tenant: s.Values[0], Channel: schemas.Channel(s.Values[1]),
			InteractionType: s.Values[2], Team: s.Values[3], Operator: s.Values[4]}
		a := got[seg]
		if a == nil {
			a = &indicators.Aggregate{}
		}
		w := s.Aggregate
		if a.Closed != w.Closed || a.FirstResponseWithinTarget != w.FirstResponseWithinTarget ||
			!sameDurations(&a.FirstResponse, &w.FirstResponse) || !sameDurations(&a.Reply, &w.Reply) ||
			!sameDurations(&a.Resolution, &w.Resolution) {
			t.Errorf("segment %v: deltas sum to %+v, indicators say %+v", seg, *a, w)
		}
	}
}

// sameDurations compares sums, both sketches and the report's figures,
// percentiles included: in a fold without late events the deltas' bounds
// are the set's exact extremes, so the clamped percentiles agree too.
func sameDurations(a, b *indicators.Durations) bool {
	return a.Count == b.Count && a.SumMs == b.SumMs && a.BusinessSumMs == b.BusinessSumMs &&
		reflect.DeepEqual(a.Sketch.Buckets(), b.Sketch.Buckets()) &&
		reflect.DeepEqual(a.BusinessSketch.Buckets(), b.BusinessSketch.Buckets()) &&
		reflect.DeepEqual(a.Stats(), b.Stats())
}

// In any arrival order, late events and duplicates included, the bounds
// the deltas of a cell carry hold every duration that cell finally has:
// a retraction never narrows them below a duration still counted.
func TestDeltaBoundsHoldEveryFinalDurationInAnyArrivalOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 100 {
		events := story()
		rng.Shuffle(len(events), func(a, b int) { events[a], events[b] = events[b], events[a] })
		r := newRunner(t)
		for _, e := range events {
			r.apply(e)
		}
		r.advance(end)
		type cell struct {
			minute int64
			seg    schemas.Segment
			kind   string
		}
		bounds := map[cell]schemas.DurationBounds{}
		for _, d := range r.out.Deltas {
			for kind, dd := range map[string]schemas.DurationDelta{"first_response": d.FirstResponse, "reply": d.Reply, "resolution": d.Resolution} {
				b, ok := dd.KnownBounds()
				if !ok {
					continue
				}
				c := cell{d.Minute.UnixMilli(), d.Segment, kind}
				if old, seen := bounds[c]; seen {
					b = old.Union(b)
				}
				bounds[c] = b
			}
		}
		for _, c := range r.st.Derive(nil, r.tn, r.pr, end) {
			for _, d := range c.Durations {
				seg := c.Segment()
				seg.Team, seg.Operator = d.Team, d.Operator
				b, ok := bounds[cell{minuteOf(d.EndedAt), seg, d.Kind}]
				if !ok || d.Ms < b.MinMs || d.Ms > b.MaxMs || d.BusinessMs < b.BusinessMinMs || d.BusinessMs > b.BusinessMaxMs {
					t.Fatalf("permutation %d: %s of %d ms ending %s lies outside its cell's bounds %+v (known %v)",
						i, d.Kind, d.Ms, d.EndedAt, b, ok)
				}
			}
		}
	}
}
