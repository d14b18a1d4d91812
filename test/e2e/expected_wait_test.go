package e2e

import (
	"cmp"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/api/cases"
	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/schemas"
	"github.com/floorwatch/floorwatch/simulate"
	"github.com/floorwatch/floorwatch/test/oracle"
)

// BenchmarkExpectedWaitError measures how well queue health's expected
// wait (Little's law: queued × 30 min ÷ the queue's departures in the last
// 30 minutes, api/cases) predicts the wait of the next case, on a
// simulated weekday of config.yaml's tenants (seed 11, DefaultRate) read
// by the oracle, no services. Every minute for FLOORWATCH_BENCH_HOURS
// from 10:00 UTC (default 2: each reading folds the day so far, about a
// second on this machine) it
// reads every conversation's status; a case that entered a team's queue
// since the last reading was promised the expected wait computed at that
// reading, and waits until the first reading that finds it out of the
// queue (taken, to recover, expired or closed). Cases still queued at the
// end are left out. Readings are a minute apart, so a wait is known to
// within a minute.
//
// It reports the cases compared, their actual wait (p50), the promise's
// signed error (promised − actual, p50: above 0 it promises too long),
// its absolute error (p50, p90), and the share of cases promised
// "unknown" (cases queued, none left in 30 minutes).
func BenchmarkExpectedWaitError(b *testing.B) {
	cfg, err := config.Load(rootConfig, func(string) string { return "" })
	if err != nil {
		b.Fatal(err)
	}
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC) // a Wednesday
	g, err := simulate.New(cfg, simulate.Options{Seed: 11, Start: day, End: day.Add(24 * time.Hour)})
	if err != nil {
		b.Fatal(err)
	}
	var reqs []schemas.Request
	for r := range g.All() {
		reqs = append(reqs, r.Request)
	}
	o := oracle.New(oracle.Decode(cfg, reqs).Events, cfg.Directory())
	hours := time.Duration(benchHours(b)) * time.Hour
	for b.Loop() {
		actual, errs, unknown, err := expectedWaitErrors(o, day.Add(10*time.Hour), day.Add(10*time.Hour+hours))
		if err != nil {
			b.Fatal(err)
		}
		abs := make([]time.Duration, len(errs))
		for i, e := range errs {
			abs[i] = e.Abs()
		}
		b.ReportMetric(float64(len(actual)), "cases")
		b.ReportMetric(pct(actual, 0.5).Seconds(), "actual_wait_p50_s")
		b.ReportMetric(pct(errs, 0.5).Seconds(), "error_p50_s")
		b.ReportMetric(pct(abs, 0.5).Seconds(), "abs_error_p50_s")
		b.ReportMetric(pct(abs, 0.9).Seconds(), "abs_error_p90_s")
		b.ReportMetric(float64(unknown)/float64(max(1, len(actual))), "unknown_share")
	}
}

// expectedWaitErrors follows every team's queue from one reading a
// minute and returns, for each case that entered and left it within
// [from, to), its actual wait and (when the promise was known) the
// error (promised − actual) of the expected wait promised when it entered; unknown
// counts the cases promised no figure.
func expectedWaitErrors(o *oracle.Oracle, from, to time.Time) (actual, errs []time.Duration, unknown int, err error) {
	type team struct{ tenant, name string }
	type promise struct {
		entered time.Time
		wait    *int64
	}
	var (
		prev       map[string]team // queued at the last reading: conversation id → team
		expected   = map[team]*int64{}
		departures = map[team][]time.Time{}
		waiting    = map[string]promise{}
	)
	for t := from; t.Before(to); t = t.Add(time.Minute) {
		convs, err := o.Conversations(t)
		if err != nil {
			return nil, nil, 0, err
		}
		queued := map[string]team{}
		size := map[team]int64{}
		for _, c := range convs {
			if c.Status == oracle.StatusQueued {
				tm := team{c.Key.Tenant, c.Team}
				queued[c.ID] = tm
				size[tm]++
			}
		}
		for id, tm := range prev {
			if _, still := queued[id]; still {
				continue
			}
			departures[tm] = append(departures[tm], t)
			if p, ok := waiting[id]; ok {
				w := t.Sub(p.entered)
				actual = append(actual, w)
				if p.wait == nil {
					unknown++
				} else {
					errs = append(errs, time.Duration(*p.wait)*time.Millisecond-w)
				}
				delete(waiting, id)
			}
		}
		if prev != nil {
			for id, tm := range queued {
				if _, before := prev[id]; !before {
					waiting[id] = promise{entered: t, wait: expected[tm]}
				}
			}
		}
		// What GET /api/v1/teams would answer now, for the cases that
		// enter before the next reading.
		clear(expected)
		for tm, ds := range departures {
			recent := int64(len(ds) - sortSearch(ds, t.Add(-cases.HealthWindow)))
			health := cases.Team{Queued: size[tm], QueueDepartures: recent}
			expected[tm] = health.ExpectedWait()
		}
		for tm, n := range size {
			if _, ok := expected[tm]; !ok {
				health := cases.Team{Queued: n}
				expected[tm] = health.ExpectedWait()
			}
		}
		prev = queued
	}
	return actual, errs, unknown, nil
}

func benchHours(b *testing.B) int {
	n, err := strconv.Atoi(cmp.Or(os.Getenv("FLOORWATCH_BENCH_HOURS"), "2"))
	if err != nil || n < 1 || n > 14 {
		b.Fatalf("FLOORWATCH_BENCH_HOURS=%q: want 1 to 14", os.Getenv("FLOORWATCH_BENCH_HOURS"))
	}
	return n
}

// sortSearch is the index of the first time in ds (ascending) after t.
func sortSearch(ds []time.Time, t time.Time) int {
	i, _ := slices.BinarySearchFunc(ds, t, func(d, t time.Time) int {
		if d.After(t) {
			return 1
		}
		return -1
	})
	return i
}

// pct is the nearest-rank q-quantile of ds.
func pct(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[max(0, min(len(s)-1, int(float64(len(s))*q+0.999999)-1))]
}
