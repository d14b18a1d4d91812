package bizhours

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// maxScanDays bounds the search for the next edge: a schedule whose every
// weekday is empty, or a year of holidays, has no edge within it.
const maxScanDays = 400

// Calendar is a compiled schemas.BusinessHours. It is immutable after
// Compile, so any number of goroutines may share it.
//
// Wall-clock intervals are read in the calendar's zone on each local date:
// an interval [09:00, 18:00) on the day clocks go forward lasts 9 hours,
// "00:00-24:00" lasts 23 hours that day and 25 hours on the day they go
// back. A wall time that does not exist (inside a spring-forward gap) is
// read as time.Date reads it: shifted forward by the gap. An interval
// ending at 24:00 and one starting at 00:00 the next day join, with no
// edge at midnight. A holiday closes every interval that starts on it.
type Calendar struct {
	always   bool
	loc      *time.Location
	weekly   [7][]schemas.ClockInterval // sorted, merged
	holidays map[int]bool               // local date as yyyymmdd
	// blocks caches the open spans in absolute time, per block of time
	// (spans.go): computed once per block, then read without locks.
	blocks sync.Map // int64 → []msSpan
}

// AlwaysOpen is the calendar of a schedule with no time zone.
func AlwaysOpen() *Calendar { return &Calendar{always: true} }

// Compile checks and compiles bh. An empty TimeZone gives AlwaysOpen.
func Compile(bh schemas.BusinessHours) (*Calendar, error) {
	if bh.AlwaysOpen() {
		return AlwaysOpen(), nil
	}
	loc, err := time.LoadLocation(bh.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("business hours: time zone %q: %w", bh.TimeZone, err)
	}
	c := &Calendar{loc: loc, holidays: map[int]bool{}}
	for wd, ivs := range bh.Weekly {
		for _, iv := range ivs {
			if iv.Start < 0 || iv.End <= iv.Start || iv.End > 48*60 {
				return nil, fmt.Errorf("business hours: %s interval %d-%d: want 0 <= start < end <= 2880 minutes",
					time.Weekday(wd), iv.Start, iv.End)
			}
		}
		c.weekly[wd] = mergeIntervals(ivs)
	}
	for _, h := range bh.Holidays {
		d, err := time.Parse(time.DateOnly, h)
		if err != nil {
			return nil, fmt.Errorf("business hours: holiday %q: want YYYY-MM-DD", h)
		}
		c.holidays[dateKey(d.Date())] = true
	}
	return c, nil
}

// Always reports whether the calendar is open at every instant.
func (c *Calendar) Always() bool { return c.always }

func mergeIntervals(ivs []schemas.ClockInterval) []schemas.ClockInterval {
	s := slices.Clone(ivs)
	slices.SortFunc(s, func(a, b schemas.ClockInterval) int { return a.Start - b.Start })
	var out []schemas.ClockInterval
	for _, iv := range s {
		if n := len(out); n > 0 && iv.Start <= out[n-1].End {
			out[n-1].End = max(out[n-1].End, iv.End)
			continue
		}
		out = append(out, iv)
	}
	return out
}

func dateKey(y int, m time.Month, d int) int { return y*10000 + int(m)*100 + d }

// span is one open interval in absolute time, [from, to).
type span struct{ from, to time.Time }

// day returns the open spans of the local date that is n days after
// (y, m, d), in order. Spans may run past the date's end.
func (c *Calendar) day(y int, m time.Month, d, n int) []span {
	date := time.Date(y, m, d+n, 12, 0, 0, 0, c.loc) // noon: never in a DST gap
	yy, mm, dd := date.Date()
	if c.holidays[dateKey(yy, mm, dd)] {
		return nil
	}
	ivs := c.weekly[date.Weekday()]
	out := make([]span, 0, len(ivs))
	for _, iv := range ivs {
		out = append(out, span{
			from: time.Date(yy, mm, dd, 0, iv.Start, 0, 0, c.loc),
			to:   time.Date(yy, mm, dd, 0, iv.End, 0, 0, c.loc),
		})
	}
	return out
}
