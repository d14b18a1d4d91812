package oracle

import (
	"fmt"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// calendar is a team's business hours, read plainly: for every local date
// of its zone, the open intervals of that weekday (none on a holiday),
// each turned into instants by time.Date. It keeps no precomputed edges;
// every question walks the dates it spans.
type calendar struct {
	always   bool // no time zone: always open
	loc      *time.Location
	weekly   [7][]schemas.ClockInterval
	holidays map[string]bool
}

func newCalendar(bh schemas.BusinessHours) (*calendar, error) {
	if bh.AlwaysOpen() {
		return &calendar{always: true}, nil
	}
	loc, err := time.LoadLocation(bh.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("business hours: %w", err)
	}
	c := &calendar{loc: loc, weekly: bh.Weekly, holidays: map[string]bool{}}
	for _, d := range bh.Holidays {
		c.holidays[d] = true
	}
	return c, nil
}

// span is an open interval [from, to) in unix ms.
type span struct{ from, to int64 }

// dayOpen returns the open intervals of the local date of t's day offset
// by days. time.Date reads 24:00 as the next midnight and a wall time in
// a spring-forward gap as Go does (shifted forward); a holiday closes
// every interval that starts on it.
func (c *calendar) dayOpen(y int, m time.Month, d int) []span {
	date := time.Date(y, m, d, 0, 0, 0, 0, c.loc)
	if c.holidays[date.Format("2006-01-02")] {
		return nil
	}
	var out []span
	for _, iv := range c.weekly[date.Weekday()] {
		from := time.Date(y, m, d, iv.Start/60, iv.Start%60, 0, 0, c.loc)
		to := time.Date(y, m, d, iv.End/60, iv.End%60, 0, 0, c.loc)
		out = append(out, span{from.UnixMilli(), to.UnixMilli()})
	}
	return out
}

// spans returns the open intervals of every local date from the day
// before a's to the day after b's: enough to cover [a, b] whatever the
// offsets.
func (c *calendar) spans(a, b int64) []span {
	first := time.UnixMilli(a).In(c.loc)
	last := time.UnixMilli(b).In(c.loc)
	y, m, d := first.Date()
	day := time.Date(y, m, d-1, 12, 0, 0, 0, c.loc)
	ly, lm, ld := last.Date()
	end := time.Date(ly, lm, ld+1, 12, 0, 0, 0, c.loc)
	var out []span
	for ; !day.After(end); day = day.AddDate(0, 0, 1) {
		y, m, d := day.Date()
		out = append(out, c.dayOpen(y, m, d)...)
	}
	return out
}

// open reports whether the hours are open at t.
func (c *calendar) open(t int64) bool {
	if c.always {
		return true
	}
	for _, s := range c.spans(t, t) {
		if s.from <= t && t < s.to {
			return true
		}
	}
	return false
}

// closedThroughout reports whether the hours are closed at every instant
// of [a, b].
func (c *calendar) closedThroughout(a, b int64) bool {
	if c.always {
		return false
	}
	for _, s := range c.spans(a, b) {
		if s.from <= b && s.to > a {
			return false
		}
	}
	return true
}

// business returns how many milliseconds of [a, b) the hours are open.
func (c *calendar) business(a, b int64) int64 {
	if b <= a {
		return 0
	}
	if c.always {
		return b - a
	}
	var ms int64
	for _, s := range c.spans(a, b) {
		if lo, hi := max(s.from, a), min(s.to, b); hi > lo {
			ms += hi - lo
		}
	}
	return ms
}
