package e2e

import (
	"cmp"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/api/cases"
	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/internal/testenv"
	"github.com/floorwatch/floorwatch/schemas"
	"github.com/floorwatch/floorwatch/simulate"
	"github.com/floorwatch/floorwatch/test/oracle"
)

// BenchmarkExpectedWaitError measures how well queue health's expected
// wait (api/cases.ExpectedWait: the median queued time of the cases that
// left the queue, taken or closed, in the last 30 minutes) predicts the
// wait of the next case, beside Little's law (queued × 30 min ÷ those
// departures), on a simulated weekday of config.yaml's tenants (seed 11,
// DefaultRate) read by the oracle, no services. Every minute for
// FLOORWATCH_BENCH_HOURS from 10:00 UTC (default 2: each reading folds the
// day so far, about a second on this machine) it reads every
// conversation's status; a case that entered a team's queue since the last
// reading is promised what each method computed at that reading, and
// waits until the first reading that finds it out of the queue (taken, to
// recover, expired or closed). Cases still queued at the end are left out.
// Readings are a minute apart, so a wait is known to within a minute, and
// the first half hour's departures are only those that entered in it.
//
// It reports the cases compared, their actual wait (p50), and for each
// method the signed error (promised − actual, p50: above 0 it promises too
// long), the absolute error (p50, p90) and the share of cases promised
// "unknown"; Little's law's figures are prefixed little_.
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
		actual, shipped, little, err := expectedWaitErrors(o, day.Add(10*time.Hour), day.Add(10*time.Hour+hours))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(actual)), "cases")
		b.ReportMetric(testenv.Quantile(actual, 0.5).Seconds(), "actual_wait_p50_s")
		shipped.report(b, "", len(actual))
		little.report(b, "little_", len(actual))
	}
}

// promises are one method's errors (promised − actual) and how many cases
// it promised nothing.
type promises struct {
	errs    []time.Duration
	unknown int
}

func (p *promises) add(promised *int64, actual time.Duration) {
	if promised == nil {
		p.unknown++
		return
	}
	p.errs = append(p.errs, time.Duration(*promised)*time.Millisecond-actual)
}

func (p promises) report(b *testing.B, prefix string, cases int) {
	abs := make([]time.Duration, len(p.errs))
	for i, e := range p.errs {
		abs[i] = e.Abs()
	}
	b.ReportMetric(testenv.Quantile(p.errs, 0.5).Seconds(), prefix+"error_p50_s")
	b.ReportMetric(testenv.Quantile(abs, 0.5).Seconds(), prefix+"abs_error_p50_s")
	b.ReportMetric(testenv.Quantile(abs, 0.9).Seconds(), prefix+"abs_error_p90_s")
	b.ReportMetric(float64(p.unknown)/float64(max(1, cases)), prefix+"unknown_share")
}

// expectedWaitErrors follows every team's queue from one reading a minute
// and returns the actual wait of each case that entered and left it within
// [from, to), and what each method promised it.
func expectedWaitErrors(o *oracle.Oracle, from, to time.Time) (actual []time.Duration, shipped, little promises, err error) {
	type team struct{ tenant, name string }
	type promise struct {
		entered         time.Time
		shipped, little *int64
	}
	type departure struct {
		at   time.Time
		wait time.Duration
	}
	var (
		prev       map[string]team // queued at the last reading: conversation id → team
		promised   = map[team][2]*int64{}
		departures = map[team][]departure{} // taken or closed, with their queued time when known
		entered    = map[string]time.Time{} // first reading that found each queued case
		waiting    = map[string]promise{}
	)
	for t := from; t.Before(to); t = t.Add(time.Minute) {
		convs, err := o.Conversations(t)
		if err != nil {
			return nil, shipped, little, err
		}
		queued, status := map[string]team{}, map[string]string{}
		size := map[team]int64{}
		for _, c := range convs {
			status[c.ID] = c.Status
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
			if st := status[id]; st == oracle.StatusActive || st == oracle.StatusClosed || st == "" {
				d := departure{at: t, wait: -1}
				if since, ok := entered[id]; ok {
					d.wait = t.Sub(since)
				}
				departures[tm] = append(departures[tm], d)
			}
			if p, ok := waiting[id]; ok {
				w := t.Sub(p.entered)
				actual = append(actual, w)
				shipped.add(p.shipped, w)
				little.add(p.little, w)
				delete(waiting, id)
			}
			delete(entered, id)
		}
		for id, tm := range queued {
			if _, before := prev[id]; !before && prev != nil {
				entered[id] = t
				waiting[id] = promise{entered: t, shipped: promised[tm][0], little: promised[tm][1]}
			}
		}
		// What each method would answer now, for the cases that enter
		// before the next reading.
		clear(promised)
		teams := map[team]bool{}
		for tm := range size {
			teams[tm] = true
		}
		for tm := range departures {
			teams[tm] = true
		}
		for tm := range teams {
			var n int64
			var waits []time.Duration
			for _, d := range departures[tm] {
				if d.at.After(t.Add(-cases.HealthWindow)) {
					n++
					if d.wait >= 0 {
						waits = append(waits, d.wait)
					}
				}
			}
			var median int64
			if len(waits) > 0 {
				median = testenv.Quantile(waits, 0.5).Milliseconds()
			} else {
				n = 0 // departures whose queued time is unknown: before the first readings
			}
			var l *int64
			switch {
			case size[tm] == 0:
				l = new(int64)
			case n > 0:
				w := size[tm] * cases.HealthWindow.Milliseconds() / n
				l = &w
			}
			promised[tm] = [2]*int64{cases.ExpectedWait(size[tm], n, median), l}
		}
		prev = queued
	}
	return actual, shipped, little, nil
}

func benchHours(b *testing.B) int {
	n, err := strconv.Atoi(cmp.Or(os.Getenv("FLOORWATCH_BENCH_HOURS"), "2"))
	if err != nil || n < 1 || n > 14 {
		b.Fatalf("FLOORWATCH_BENCH_HOURS=%q: want 1 to 14", os.Getenv("FLOORWATCH_BENCH_HOURS"))
	}
	return n
}
