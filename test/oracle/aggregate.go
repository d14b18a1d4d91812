package oracle

import (
	"maps"
	"slices"

	"github.com/floorwatch/floorwatch/schemas"
)

// aggregates holds one aggregate per segment key (the values of the --by
// dimensions, in order).
type aggregates struct {
	by   []string
	segs map[string]*aggregate
	keys map[string][]string
}

type aggregate struct {
	total, active, queued, toRecover, expired int64
	attended, unattended, pending             int64
	transferred, closed                       int64
	withinTarget                              int64
	durations                                 map[string][]Duration // by kind
}

func newAggregates(by []string) *aggregates {
	return &aggregates{by: by, segs: map[string]*aggregate{}, keys: map[string][]string{}}
}

func (g *aggregates) at(s segment) *aggregate {
	vals := make([]string, len(g.by))
	id := ""
	for i, d := range g.by {
		vals[i] = s.value(d)
		id += vals[i] + "\x00"
	}
	a, ok := g.segs[id]
	if !ok {
		a = &aggregate{durations: map[string][]Duration{}}
		g.segs[id], g.keys[id] = a, vals
	}
	return a
}

// count adds a conversation of the period's total.
func (a *aggregate) count(c *Conversation, from, to int64, pending bool) {
	a.total++
	switch c.Status {
	case StatusActive:
		a.active++
	case StatusQueued:
		a.queued++
	case StatusToRecover:
		a.toRecover++
	case StatusExpired:
		a.expired++
	}
	if c.AttendedAt != 0 {
		a.attended++
	} else if c.RoutedAt != 0 {
		a.unattended++
	}
	if pending {
		a.pending++
	}
	if slices.ContainsFunc(c.Transfers, func(t int64) bool { return t >= from && t < to }) {
		a.transferred++
	}
	if c.ClosedAt >= from && c.ClosedAt < to {
		a.closed++
	}
}

func (a *aggregate) addDuration(d Duration) {
	a.durations[d.Kind] = append(a.durations[d.Kind], d)
	if d.Kind == FirstResponse && d.WithinTarget {
		a.withinTarget++
	}
}

// report renders the segments sorted by their key values; without
// dimensions there is exactly one segment, with an empty key.
func (g *aggregates) report(q Query) schemas.Report {
	r := schemas.Report{From: schemas.At(q.From), To: schemas.At(q.To), CompleteUntil: schemas.At(q.To),
		By: append([]string{}, q.By...), Segments: []schemas.ReportSegment{}}
	if len(g.by) == 0 && len(g.segs) == 0 {
		g.at(segment{})
	}
	ids := slices.SortedFunc(maps.Keys(g.segs), func(x, y string) int {
		return slices.Compare(g.keys[x], g.keys[y])
	})
	for _, id := range ids {
		a := g.segs[id]
		key := map[string]string{}
		for i, d := range g.by {
			key[d] = g.keys[id][i]
		}
		seg := schemas.ReportSegment{Key: key, Total: a.total, Active: a.active, Queued: a.queued,
			ToRecover: a.toRecover, Expired: a.expired, Attended: a.attended, Unattended: a.unattended,
			PendingFirstResponse: a.pending, Transferred: a.transferred, Closed: a.closed,
			FirstResponse: stats(a.durations[FirstResponse]), Reply: stats(a.durations[Reply]),
			Resolution: stats(a.durations[Resolution])}
		if n := len(a.durations[FirstResponse]); n > 0 {
			sl := float64(a.withinTarget) / float64(n)
			seg.ServiceLevel = &sl
		}
		r.Segments = append(r.Segments, seg)
	}
	return r
}
