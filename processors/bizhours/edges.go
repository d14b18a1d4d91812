package bizhours

import "time"

// NextChange returns the first instant after t at which Open changes, and
// false when it never does (always open, or no open interval within 400
// days of t).
func (c *Calendar) NextChange(t time.Time) (time.Time, bool) {
	if c.always {
		return time.Time{}, false
	}
	open := c.Open(t)
	y, m, d := c.localDate(t)
	// Walk the joined spans in time order; the first edge after t at which
	// the state differs from open is the answer.
	var cur span
	have := false
	for n := -2; n <= maxScanDays; n++ {
		for _, s := range c.day(y, m, d, n) {
			if have && !s.from.After(cur.to) {
				cur.to = maxTime(cur.to, s.to)
				continue
			}
			if have {
				if e, ok := edgeAfter(cur, t, open); ok {
					return e, true
				}
			}
			cur, have = s, true
		}
	}
	if have && !open {
		// When open, a span still running at the horizon never closes.
		return edgeAfter(cur, t, open)
	}
	return time.Time{}, false
}

// edgeAfter returns the edge of a joined span s that ends the state open
// holding at t: its start when closed at t, its end when open at t.
func edgeAfter(s span, t time.Time, open bool) (time.Time, bool) {
	if !open && s.from.After(t) {
		return s.from, true
	}
	if open && s.to.After(t) && !s.from.After(t) {
		return s.to, true
	}
	return time.Time{}, false
}
