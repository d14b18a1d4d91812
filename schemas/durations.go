package schemas

import (
	"math"
	"sync"
)

// DurationBounds are the smallest and largest durations of a set, in
// calendar and in business milliseconds. Percentiles read from a sketch
// are clamped to them (SPEC 3: a percentile never lies outside the
// smallest and largest duration of its set, and one duration reads exactly
// itself). Bounds merge by min and max and are never narrowed by a
// retraction: after one they may be wider than the set, and a clamp to
// wider bounds still only moves a sketch value toward the true one.
type DurationBounds struct {
	MinMs         int64 `json:"min_ms"`
	MaxMs         int64 `json:"max_ms"`
	BusinessMinMs int64 `json:"business_min_ms"`
	BusinessMaxMs int64 `json:"business_max_ms"`
}

// UnknownBounds are the bounds of durations added without theirs (a
// record written before deltas carried bounds): the widest, so that no
// clamp relies on a guess.
var UnknownBounds = DurationBounds{MinMs: 0, MaxMs: math.MaxInt64, BusinessMinMs: 0, BusinessMaxMs: math.MaxInt64}

// Union returns the bounds of both sets.
func (b DurationBounds) Union(o DurationBounds) DurationBounds {
	return DurationBounds{MinMs: min(b.MinMs, o.MinMs), MaxMs: max(b.MaxMs, o.MaxMs),
		BusinessMinMs: min(b.BusinessMinMs, o.BusinessMinMs), BusinessMaxMs: max(b.BusinessMaxMs, o.BusinessMaxMs)}
}

// Add counts one duration of ms calendar and bms business milliseconds n
// times (n < 0 retracts one counted before). Only an addition widens the
// bounds: a retraction cannot know the next smallest or largest value.
func (d *DurationDelta) Add(ms, bms, n int64) {
	if n == 0 {
		return
	}
	d.Count += n
	d.SumMs += n * ms
	d.BusinessSumMs += n * bms
	d.Buckets = addBucket(d.Buckets, SketchBucket(ms), n)
	d.BusinessBuckets = addBucket(d.BusinessBuckets, SketchBucket(bms), n)
	if n > 0 {
		d.widen(DurationBounds{MinMs: ms, MaxMs: ms, BusinessMinMs: bms, BusinessMaxMs: bms})
	}
}

// widen sets d's bounds to their union with b, in place when d has some:
// a delta owns its Bounds.
func (d *DurationDelta) widen(b DurationBounds) {
	if d.Bounds == nil {
		d.Bounds = &b
		return
	}
	*d.Bounds = d.Bounds.Union(b)
}

// KnownBounds returns the bounds d contributes to a merge: its Bounds;
// UnknownBounds when it added durations (a positive bucket count) without
// bounds; ok false when it added none.
func (d *DurationDelta) KnownBounds() (b DurationBounds, ok bool) {
	if d.Bounds != nil {
		return *d.Bounds, true
	}
	for _, n := range d.Buckets {
		if n > 0 {
			return UnknownBounds, true
		}
	}
	for _, n := range d.BusinessBuckets {
		if n > 0 {
			return UnknownBounds, true
		}
	}
	return DurationBounds{}, false
}

// IsZero reports whether d changes nothing: no count, sum or bucket.
// Bounds alone change nothing (they only restate durations already shipped).
func (d *DurationDelta) IsZero() bool {
	return d.Count == 0 && d.SumMs == 0 && d.BusinessSumMs == 0 && len(d.Buckets) == 0 && len(d.BusinessBuckets) == 0
}

func addBucket(m map[int32]int64, i int32, n int64) map[int32]int64 {
	if m == nil {
		m = bucketMaps.Get().(map[int32]int64)
	}
	m[i] += n
	if m[i] == 0 {
		delete(m, i)
	}
	return m
}

// Merge adds o to d: counts, sums and buckets add (a bucket that reaches
// zero is dropped), bounds take the union of what each contributes.
func (d *DurationDelta) Merge(o *DurationDelta) {
	d.Count += o.Count
	d.SumMs += o.SumMs
	d.BusinessSumMs += o.BusinessSumMs
	for i, n := range o.Buckets {
		d.Buckets = addBucket(d.Buckets, i, n)
	}
	for i, n := range o.BusinessBuckets {
		d.BusinessBuckets = addBucket(d.BusinessBuckets, i, n)
	}
	ob, ok := o.KnownBounds()
	if !ok {
		return
	}
	if d.Bounds == nil {
		if db, ok := d.KnownBounds(); ok { // bucket counts without bounds
			ob = db.Union(ob)
		}
	}
	d.widen(ob)
}

// Merge adds o, a delta of the same minute and segment, to m: what both
// say together, as a reader summing them would see it.
func (m *MetricDelta) Merge(o *MetricDelta) {
	m.Opened += o.Opened
	m.Closed += o.Closed
	m.Transfers += o.Transfers
	m.FirstResponseWithinTarget += o.FirstResponseWithinTarget
	m.FirstResponse.Merge(&o.FirstResponse)
	m.Reply.Merge(&o.Reply)
	m.Resolution.Merge(&o.Resolution)
}

// IsZero reports whether m changes nothing.
func (m *MetricDelta) IsZero() bool {
	return m.Opened == 0 && m.Closed == 0 && m.Transfers == 0 && m.FirstResponseWithinTarget == 0 &&
		m.FirstResponse.IsZero() && m.Reply.IsZero() && m.Resolution.IsZero()
}

// bucketMaps keeps the bucket maps of released deltas for later ones: a
// processor makes a few per event, and drops them once encoded.
var bucketMaps = sync.Pool{New: func() any { return map[int32]int64{} }}

// Release gives d's bucket maps to later deltas and leaves d without
// them. Only for a delta that alone holds its maps, once it is no longer
// read (encoded, or merged into another).
func (d *DurationDelta) Release() {
	for _, m := range []*map[int32]int64{&d.Buckets, &d.BusinessBuckets} {
		if *m != nil {
			clear(*m)
			bucketMaps.Put(*m)
			*m = nil
		}
	}
}

// Release releases the bucket maps of m's durations (DurationDelta.Release).
func (m *MetricDelta) Release() {
	m.FirstResponse.Release()
	m.Reply.Release()
	m.Resolution.Release()
}
