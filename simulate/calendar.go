package simulate

import (
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// calendar answers when a team is open, from its business hours: the
// simulator's own reading of SPEC 2.3 (weekly intervals in local time,
// holidays closed), kept apart from the processors' so the generator
// depends on nothing but the configuration.
type calendar struct {
	always   bool
	loc      *time.Location
	weekly   [7][]schemas.ClockInterval
	holidays map[string]bool
}

// newCalendar compiles bh; an empty time zone means always open, in the
// tenant's zone fallback.
func newCalendar(bh schemas.BusinessHours, fallback *time.Location) calendar {
	c := calendar{always: bh.AlwaysOpen(), loc: fallback, weekly: bh.Weekly, holidays: map[string]bool{}}
	if !c.always {
		if loc, err := time.LoadLocation(bh.TimeZone); err == nil {
			c.loc = loc
		}
	}
	for _, h := range bh.Holidays {
		c.holidays[h] = true
	}
	return c
}

// dayNum numbers local dates: days since 1970-01-01 in the calendar's zone.
func (c *calendar) dayNum(ms int64) int {
	y, m, d := time.UnixMilli(ms).In(c.loc).Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// at returns the instant of local clock minute (0..1440) on day.
func (c *calendar) at(day, minute int) int64 {
	d := time.Unix(int64(day)*86400, 0).UTC()
	return time.Date(d.Year(), d.Month(), d.Day(), 0, minute, 0, 0, c.loc).UnixMilli()
}

// intervals returns the open intervals of a local day, in order; a
// holiday has none, an always-open calendar the whole day.
func (c *calendar) intervals(day int) []span {
	if c.always {
		return []span{{c.at(day, 0), c.at(day+1, 0)}}
	}
	d := time.Unix(int64(day)*86400, 0).UTC()
	if c.holidays[d.Format(time.DateOnly)] {
		return nil
	}
	var out []span
	for _, iv := range c.weekly[d.Weekday()] {
		out = append(out, span{c.at(day, iv.Start), c.at(day, iv.End)})
	}
	return out
}

// open reports whether the calendar is open at ms.
func (c *calendar) open(ms int64) bool {
	if c.always {
		return true
	}
	for _, iv := range c.intervals(c.dayNum(ms)) {
		if iv.from <= ms && ms < iv.to {
			return true
		}
	}
	return false
}

// nextOpen returns the first instant at or after ms when the calendar is
// open, looking two weeks ahead.
func (c *calendar) nextOpen(ms int64) (int64, bool) {
	if c.open(ms) {
		return ms, true
	}
	d := c.dayNum(ms)
	for i := range 15 {
		for _, iv := range c.intervals(d + i) {
			if iv.to > ms {
				return max(iv.from, ms), true
			}
		}
	}
	return 0, false
}

// span is [from, to) in Unix ms.
type span struct{ from, to int64 }
