package indicators

import (
	"maps"

	"github.com/floorwatch/floorwatch/schemas"
)

// Durations aggregates one kind of duration (first response, reply,
// resolution): count, exact sums in calendar and business time, and a
// sketch of each. Every field but the sketches' bounds is additive, so
// per-minute deltas of the streaming windows sum to the period's figures;
// the bounds merge by min and max.
type Durations struct {
	Count          int64
	SumMs          int64
	BusinessSumMs  int64
	Sketch         Sketch // calendar ms
	BusinessSketch Sketch // business ms
}

// Add counts one duration n times (n = -1 retracts a corrected one).
func (d *Durations) Add(ms, businessMs, n int64) {
	d.Count += n
	d.SumMs += n * ms
	d.BusinessSumMs += n * businessMs
	d.Sketch.Add(ms, n)
	d.BusinessSketch.Add(businessMs, n)
}

// Merge adds o to d.
func (d *Durations) Merge(o *Durations) {
	d.Count += o.Count
	d.SumMs += o.SumMs
	d.BusinessSumMs += o.BusinessSumMs
	d.Sketch.Merge(&o.Sketch)
	d.BusinessSketch.Merge(&o.BusinessSketch)
}

// Delta returns d as the additive record the processors ship.
func (d *Durations) Delta() schemas.DurationDelta {
	x := schemas.DurationDelta{Count: d.Count, SumMs: d.SumMs, BusinessSumMs: d.BusinessSumMs,
		Buckets: d.Sketch.Buckets(), BusinessBuckets: d.BusinessSketch.Buckets()}
	lo, hi, ok := d.Sketch.Bounds()
	blo, bhi, bok := d.BusinessSketch.Bounds()
	if ok && bok {
		x.Bounds = &schemas.DurationBounds{MinMs: lo, MaxMs: hi, BusinessMinMs: blo, BusinessMaxMs: bhi}
	}
	return x
}

// AddDelta adds a shipped delta to d, bounds included
// (schemas.DurationDelta.KnownBounds: unknown bounds widen to everything).
func (d *Durations) AddDelta(x schemas.DurationDelta) {
	d.Count += x.Count
	d.SumMs += x.SumMs
	d.BusinessSumMs += x.BusinessSumMs
	for i, n := range maps.All(x.Buckets) {
		d.Sketch.AddBucket(i, n)
	}
	for i, n := range maps.All(x.BusinessBuckets) {
		d.BusinessSketch.AddBucket(i, n)
	}
	if b, ok := x.KnownBounds(); ok {
		d.Sketch.Widen(b.MinMs, b.MaxMs)
		d.BusinessSketch.Widen(b.BusinessMinMs, b.BusinessMaxMs)
	}
}

// Aggregate holds every indicator of one segment over one period. Counts
// of conversations (Total...Closed) are not additive across periods; the
// durations, Closed, FirstResponseWithinTarget are.
type Aggregate struct {
	Total, Active, Queued, ToRecover, Expired  int64
	Attended, Unattended, PendingFirstResponse int64
	Transferred, Closed                        int64
	// FirstResponseWithinTarget counts first responses within the target
	// of the team that gave them; over FirstResponse.Count it is the
	// service level.
	FirstResponseWithinTarget        int64
	FirstResponse, Reply, Resolution Durations
}

// Merge adds o to a.
func (a *Aggregate) Merge(o *Aggregate) {
	a.Total += o.Total
	a.Active += o.Active
	a.Queued += o.Queued
	a.ToRecover += o.ToRecover
	a.Expired += o.Expired
	a.Attended += o.Attended
	a.Unattended += o.Unattended
	a.PendingFirstResponse += o.PendingFirstResponse
	a.Transferred += o.Transferred
	a.Closed += o.Closed
	a.FirstResponseWithinTarget += o.FirstResponseWithinTarget
	a.FirstResponse.Merge(&o.FirstResponse)
	a.Reply.Merge(&o.Reply)
	a.Resolution.Merge(&o.Resolution)
}
