package bizhours

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// Business, Open and NextChange agree with each other minute by minute,
// across the Paris and New York DST changes of 2026, on random schedules.
func TestBusinessOpenAndNextChangeAgreeMinuteByMinute(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	starts := []string{"2026-03-27 00:00", "2026-10-23 00:00", "2026-03-06 00:00", "2026-10-30 00:00"}
	for round := 0; round < 12; round++ {
		tz := []string{"Europe/Paris", "America/New_York"}[round%2]
		bh := randomSchedule(rng, tz)
		cal := mustCompile(t, bh)
		from := at(t, tz, starts[round%len(starts)])
		var sum time.Duration
		for m := 0; m < 4*24*60; m++ {
			a := from.Add(time.Duration(m) * time.Minute)
			if cal.Open(a) {
				sum += time.Minute
			}
			if m%97 == 0 {
				if got := cal.Business(from, a.Add(time.Minute)); got != sum {
					t.Fatalf("%s %+v: Business(%v, +%dm) = %v, sampled %v", tz, bh.Weekly, from, m+1, got, sum)
				}
				checkNextChange(t, cal, a)
			}
		}
	}
}

func checkNextChange(t *testing.T, cal *Calendar, a time.Time) {
	t.Helper()
	next, ok := cal.NextChange(a)
	if !ok {
		return
	}
	if cal.Open(next) == cal.Open(a) {
		t.Fatalf("NextChange(%v) = %v but Open is the same at both", a, next)
	}
	if next.Sub(a) > time.Minute && cal.Open(next.Add(-time.Minute)) != cal.Open(a) {
		t.Fatalf("NextChange(%v) = %v skipped an earlier edge", a, next)
	}
}

func randomSchedule(rng *rand.Rand, tz string) schemas.BusinessHours {
	bh := schemas.BusinessHours{TimeZone: tz}
	for d := range bh.Weekly {
		start := 0
		for start < 24*60 && rng.IntN(3) > 0 {
			s := start + rng.IntN(8)*30
			e := s + 30 + rng.IntN(10)*30
			if e > 24*60 {
				e = 24 * 60
			}
			if s >= e {
				break
			}
			bh.Weekly[d] = append(bh.Weekly[d], schemas.ClockInterval{Start: s, End: e})
			start = e + rng.IntN(2)*30
		}
	}
	return bh
}
