package bizhours

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// The calendar reads its spans from a cache in absolute time (spans.go).
// The functions below are the direct reading of the schedule it replaced,
// wall-clock intervals read in the zone on every call: the two must agree
// on random schedules (split shifts, intervals past midnight, holidays),
// across DST changes, at random instants over two years.
func TestTheSpanCacheAgreesWithTheDirectReading(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for round := range 40 {
		tz := []string{"Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"}[round%4]
		bh := randomSchedule(rng, tz)
		if round%3 == 0 {
			bh.Weekly[rng.IntN(7)] = []schemas.ClockInterval{{Start: 20 * 60, End: 30 * 60}} // past midnight
		}
		for range rng.IntN(4) {
			bh.Holidays = append(bh.Holidays, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(730)).Format(time.DateOnly))
		}
		cal := mustCompile(t, bh)
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
		for range 300 {
			a := time.UnixMilli(base + rng.Int64N(730*24*3600*1000))
			b := a.Add(time.Duration(rng.Int64N(9*24*3600*1000)) * time.Millisecond)
			if got, want := cal.Open(a), refOpen(cal, a); got != want {
				t.Fatalf("%s %+v: Open(%v) = %v, direct reading %v", tz, bh, a, got, want)
			}
			if got, want := cal.Business(a, b), refBusiness(cal, a, b); got != want {
				t.Fatalf("%s %+v: Business(%v, %v) = %v, direct reading %v", tz, bh, a, b, got, want)
			}
			got, ok := cal.NextChange(a)
			want, wok := refNextChange(cal, a)
			if ok != wok || !got.Equal(want) {
				t.Fatalf("%s %+v: NextChange(%v) = %v %v, direct reading %v %v", tz, bh, a, got, ok, want, wok)
			}
		}
	}
}

// localDate returns t's date in the calendar's zone.
func refLocalDate(c *Calendar, t time.Time) (int, time.Month, int) { return t.In(c.loc).Date() }

// Open reports whether t falls in business hours.
func refOpen(c *Calendar, t time.Time) bool {
	if c.always {
		return true
	}
	y, m, d := refLocalDate(c, t)
	// Yesterday's spans may run into today (24:00 ends, or ends past 24:00).
	for n := -2; n <= 0; n++ {
		for _, s := range c.day(y, m, d, n) {
			if !t.Before(s.from) && t.Before(s.to) {
				return true
			}
		}
	}
	return false
}

// Business returns the open time in [a, b); zero when b is not after a.
func refBusiness(c *Calendar, a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	if c.always {
		return b.Sub(a)
	}
	y, m, d := refLocalDate(c, a)
	var total time.Duration
	// Spans never overlap across days except where they join, and a span
	// starts on its own date, so each instant is counted once.
	covered := a
	for n := -2; ; n++ {
		for _, s := range c.day(y, m, d, n) {
			from, to := refMaxTime(s.from, covered), refMinTime(s.to, b)
			if to.After(from) {
				total += to.Sub(from)
				covered = to
			}
		}
		if time.Date(y, m, d+n, 0, 0, 0, 0, c.loc).After(b) {
			break
		}
	}
	return total
}

func refMaxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func refMinTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// NextChange returns the first instant after t at which Open changes, and
// false when it never does (always open, or no open interval within 400
// days of t).
func refNextChange(c *Calendar, t time.Time) (time.Time, bool) {
	if c.always {
		return time.Time{}, false
	}
	open := refOpen(c, t)
	y, m, d := refLocalDate(c, t)
	// Walk the joined spans in time order; the first edge after t at which
	// the state differs from open is the answer.
	var cur span
	have := false
	for n := -2; n <= maxScanDays; n++ {
		for _, s := range c.day(y, m, d, n) {
			if have && !s.from.After(cur.to) {
				cur.to = refMaxTime(cur.to, s.to)
				continue
			}
			if have {
				if e, ok := refEdgeAfter(cur, t, open); ok {
					return e, true
				}
			}
			cur, have = s, true
		}
	}
	if have && !open {
		// When open, a span still running at the horizon never closes.
		return refEdgeAfter(cur, t, open)
	}
	return time.Time{}, false
}

// edgeAfter returns the edge of a joined span s that ends the state open
// holding at t: its start when closed at t, its end when open at t.
func refEdgeAfter(s span, t time.Time, open bool) (time.Time, bool) {
	if !open && s.from.After(t) {
		return s.from, true
	}
	if open && s.to.After(t) && !s.from.After(t) {
		return s.to, true
	}
	return time.Time{}, false
}
