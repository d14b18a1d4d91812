package windows

import (
	"bytes"
	"cmp"
	"slices"
	"time"

	"github.com/floorwatch/floorwatch/processors/conversation"
	"github.com/floorwatch/floorwatch/schemas"
)

// Targets returns the service-level target of a tenant's team
// (schemas.Policy.TeamTarget).
type Targets func(tenant, team string) time.Duration

// cell is one minute (unix ms of its start) of one segment.
type cell struct {
	minute int64
	seg    schemas.Segment
}

// sums accumulates the additive figures of cells, kept by value in a
// slice that every Diff reuses (a cell's index in index): no allocation
// per cell once warm. The zero sums is ready.
type sums struct {
	index map[cell]int
	cells []schemas.MetricDelta
}

func minuteOf(t schemas.Time) int64 {
	ms := t.UnixMilli()
	return ms - ((ms%60000)+60000)%60000
}

// at returns the cell of t's minute and seg, valid until the next call.
func (s *sums) at(t schemas.Time, seg schemas.Segment) *schemas.MetricDelta {
	if s.index == nil {
		s.index = map[cell]int{}
	}
	c := cell{minuteOf(t), seg}
	i, ok := s.index[c]
	if !ok {
		i = len(s.cells)
		s.index[c] = i
		s.cells = append(s.cells, schemas.MetricDelta{V: 1, Minute: schemas.UnixMilli(c.minute), Segment: seg})
	}
	return &s.cells[i]
}

// add counts every figure of c, n times (-1 retracts them), but for its
// first kept durations, which the other side of the diff holds too: they
// would cancel out.
func (s *sums) add(c *conversation.Conversation, n int64, kept int, targets Targets) {
	seg := c.Segment()
	if !c.OpenedAt.IsZero() {
		s.at(c.OpenedAt, seg).Opened += n
	}
	if !c.ClosedAt.IsZero() {
		s.at(c.ClosedAt, seg).Closed += n
	}
	for _, t := range c.Transfers {
		s.at(t, seg).Transfers += n
	}
	for _, d := range c.Durations[kept:] {
		s.addDuration(seg, d, n, targets)
	}
}

// kept is how many leading durations before[i] and after[i] share, in
// the same segment: counted -1 and +1 in the same cells, they cancel
// out. Most folds only append a duration or none, so skipping them
// spares the bucket maps of every duration the conversation ever had.
func kept(before, after []conversation.Conversation, i int) int {
	if i >= len(before) || i >= len(after) {
		return 0
	}
	b, a := &before[i], &after[i]
	if b.Key.Tenant != a.Key.Tenant || b.Key.Channel != a.Key.Channel || b.InteractionType != a.InteractionType {
		return 0
	}
	n := 0
	for n < len(b.Durations) && n < len(a.Durations) && sameDuration(&b.Durations[n], &a.Durations[n]) {
		n++
	}
	return n
}

func sameDuration(x, y *schemas.DurationRecord) bool {
	return x.Kind == y.Kind && x.EndedAt.Equal(y.EndedAt.Time) && x.Team == y.Team && x.Operator == y.Operator &&
		x.Ms == y.Ms && x.BusinessMs == y.BusinessMs && x.TargetMs == y.TargetMs
}

// addDuration counts d in the segment of the team and operator that
// ended it, as processors/indicators does.
func (s *sums) addDuration(seg schemas.Segment, d schemas.DurationRecord, n int64, targets Targets) {
	seg.Team, seg.Operator = d.Team, d.Operator
	m := s.at(d.EndedAt, seg)
	var dd *schemas.DurationDelta
	switch d.Kind {
	case "first_response":
		dd = &m.FirstResponse
		if d.Ms <= targets(seg.Tenant, d.Team).Milliseconds() {
			m.FirstResponseWithinTarget += n
		}
	case "reply":
		dd = &m.Reply
	case "resolution":
		dd = &m.Resolution
	default:
		return
	}
	dd.Add(d.Ms, d.BusinessMs, n)
}

// deltas appends to out what changed between the figures of before and
// after, one record per (minute, segment) that changed, sorted by minute
// then segment, and leaves s empty. A late event yields negative figures
// for what disappeared and positive ones for what appeared, each in its
// own minute. A record's duration bounds are those of the durations it
// adds (schemas.DurationDelta.Add): what disappeared cannot narrow them,
// and a duration both sides hold was added, bounds and all, by an earlier
// record.
func (s *sums) deltas(out []schemas.MetricDelta, before, after []conversation.Conversation, targets Targets) []schemas.MetricDelta {
	defer s.reset()
	for i := range before {
		s.add(&before[i], -1, kept(before, after, i), targets)
	}
	for i := range after {
		s.add(&after[i], 1, kept(before, after, i), targets)
	}
	for i := range s.cells {
		if d := &s.cells[i]; isZero(d) {
			d.Release() // its emptied maps
		} else {
			normalize(d)
			out = append(out, *d)
		}
	}
	slices.SortFunc(out, func(a, b schemas.MetricDelta) int {
		if c := cmp.Compare(a.Minute.UnixMilli(), b.Minute.UnixMilli()); c != 0 {
			return c
		}
		return compareKeys(a.Segment, b.Segment)
	})
	return out
}

// reset empties s, keeping its memory. The cells are zeroed: the records
// copied out of them keep their maps, s does not.
func (s *sums) reset() {
	clear(s.index)
	clear(s.cells)
	s.cells = s.cells[:0]
}

// compareKeys orders segments as their record keys (Segment.String)
// compare, without building them on the heap.
func compareKeys(a, b schemas.Segment) int {
	var x, y [128]byte
	return bytes.Compare(a.AppendTo(x[:0]), b.AppendTo(y[:0]))
}

func isZero(d *schemas.MetricDelta) bool {
	return d.Opened == 0 && d.Closed == 0 && d.Transfers == 0 && d.FirstResponseWithinTarget == 0 &&
		d.FirstResponse.IsZero() && d.Reply.IsZero() && d.Resolution.IsZero()
}

// normalize drops empty bucket maps so equal deltas encode equally.
func normalize(d *schemas.MetricDelta) {
	for _, dd := range []*schemas.DurationDelta{&d.FirstResponse, &d.Reply, &d.Resolution} {
		if len(dd.Buckets) == 0 {
			dd.Buckets = nil
		}
		if len(dd.BusinessBuckets) == 0 {
			dd.BusinessBuckets = nil
		}
	}
}
