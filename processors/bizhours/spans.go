package bizhours

import (
	"slices"
	"time"
)

// The processors ask Open, Business and NextChange for every event and
// timer of every conversation, so the calendar reads its open spans from a
// cache in absolute time (unix ms) instead of reading wall-clock intervals
// in the zone on each call: the spans of a block of time are computed once
// (from day, which holds the schedule's semantics: DST, 24:00 ends,
// holidays), merged where they touch or overlap, and kept.

// blockMs is the length of a cache block, about 50 days.
const blockMs = 1 << 32

// msSpan is one open span [from, to), unix ms.
type msSpan struct{ from, to int64 }

func blockOf(ms int64) int64 {
	if ms < 0 {
		return (ms+1)/blockMs - 1
	}
	return ms / blockMs
}

// spans returns the merged open spans that intersect block k, in order. A
// span running across a block's edge is in both blocks' lists.
func (c *Calendar) spans(k int64) []msSpan {
	if v, ok := c.blocks.Load(k); ok {
		return v.([]msSpan)
	}
	lo, hi := k*blockMs, (k+1)*blockMs
	// Local dates from three days before the block to three after: a
	// span lasts at most two days (an interval may end at 48:00).
	y, m, d := time.UnixMilli(lo).In(c.loc).Date()
	var all []msSpan
	for n := -3; ; n++ {
		if time.Date(y, m, d+n, 0, 0, 0, 0, c.loc).UnixMilli() > hi+3*24*3600*1000 {
			break
		}
		for _, s := range c.day(y, m, d, n) {
			all = append(all, msSpan{s.from.UnixMilli(), s.to.UnixMilli()})
		}
	}
	slices.SortFunc(all, func(a, b msSpan) int { return cmpInt64(a.from, b.from) })
	var out []msSpan
	for _, s := range all {
		if n := len(out); n > 0 && s.from <= out[n-1].to {
			out[n-1].to = max(out[n-1].to, s.to)
			continue
		}
		out = append(out, s)
	}
	out = slices.DeleteFunc(out, func(s msSpan) bool { return s.to <= lo || s.from >= hi })
	v, _ := c.blocks.LoadOrStore(k, out)
	return v.([]msSpan)
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Open reports whether t falls in business hours.
func (c *Calendar) Open(t time.Time) bool {
	if c.always {
		return true
	}
	ms := t.UnixMilli()
	sp := c.spans(blockOf(ms))
	i, _ := slices.BinarySearchFunc(sp, ms, func(s msSpan, v int64) int { return cmpInt64(s.from, v+1) })
	return i > 0 && ms < sp[i-1].to
}

// Business returns the open time in [a, b); zero when b is not after a.
func (c *Calendar) Business(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	if c.always {
		return b.Sub(a)
	}
	from, to := a.UnixMilli(), b.UnixMilli()
	// A span may be listed in two blocks: covered counts each instant once.
	covered, total := from, int64(0)
	for k := blockOf(from); k <= blockOf(to); k++ {
		for _, s := range c.spans(k) {
			lo, hi := max(s.from, covered), min(s.to, to)
			if hi > lo {
				total += hi - lo
				covered = hi
			}
		}
	}
	// Sub-millisecond remainders of a and b: Business counts whole open
	// milliseconds between their millisecond floors.
	return time.Duration(total) * time.Millisecond
}

// NextChange returns the first instant after t at which Open changes, and
// false when it never does (always open, or no open interval within 400
// days of t).
func (c *Calendar) NextChange(t time.Time) (time.Time, bool) {
	if c.always {
		return time.Time{}, false
	}
	ms := t.UnixMilli()
	open := c.Open(t)
	horizon := ms + int64(maxScanDays+2)*24*3600*1000
	// Walk the spans in order, joining those that touch (also across
	// blocks): the first edge after t at which the state differs from
	// open is the answer.
	var cur msSpan
	have := false
	for k := blockOf(ms - 3*24*3600*1000); k <= blockOf(horizon); k++ {
		for _, s := range c.spans(k) {
			if have && s.from <= cur.to {
				cur.to = max(cur.to, s.to)
				continue
			}
			if have {
				if e, ok := edgeAfter(cur, ms, open); ok {
					return time.UnixMilli(e), true
				}
			}
			cur, have = s, true
		}
	}
	if have && !open {
		// When open, a span still running at the horizon never closes.
		if e, ok := edgeAfter(cur, ms, open); ok && e <= horizon {
			return time.UnixMilli(e), true
		}
	}
	return time.Time{}, false
}

// edgeAfter returns the edge of a joined span s that ends the state open
// holding at t: its start when closed at t, its end when open at t.
func edgeAfter(s msSpan, t int64, open bool) (int64, bool) {
	if !open && s.from > t {
		return s.from, true
	}
	if open && s.to > t && s.from <= t {
		return s.to, true
	}
	return 0, false
}
