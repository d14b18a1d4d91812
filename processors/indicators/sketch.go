package indicators

import (
	"maps"
	"math"
	"slices"

	"github.com/floorwatch/floorwatch/schemas"
)

// Sketch is a mergeable histogram of durations in milliseconds, in the
// log buckets of schemas.SketchBucket, with the smallest and largest
// duration added beside it: any quantile it returns is within
// schemas.SketchRelativeError (1%) of the exact nearest-rank quantile and
// never outside [Min, Max], so a single duration reads exactly itself.
// Counts are signed so corrections can subtract; merging adds bucket
// counts and takes the min of the minimums and the max of the maximums.
// A retraction leaves the bounds alone (the next smallest value is not
// known): they may then be wider than the set, never narrower, so the
// clamp only ever moves a value toward the exact one. The zero Sketch is
// empty and ready to use. Not safe for concurrent use.
type Sketch struct {
	buckets map[int32]int64
	count   int64
	// lo and hi bound every duration ever added, when bounded.
	lo, hi  int64
	bounded bool
}

// Add counts one duration of ms milliseconds n times (n < 0 retracts).
func (s *Sketch) Add(ms int64, n int64) {
	s.AddBucket(schemas.SketchBucket(ms), n)
	if n > 0 {
		s.Widen(ms, ms)
	}
}

// AddBucket adds n to bucket i. It does not know the values it counts:
// a caller adding to a bucket must also Widen the bounds.
func (s *Sketch) AddBucket(i int32, n int64) {
	if n == 0 {
		return
	}
	if s.buckets == nil {
		s.buckets = map[int32]int64{}
	}
	s.buckets[i] += n
	if s.buckets[i] == 0 {
		delete(s.buckets, i)
	}
	s.count += n
}

// Widen extends the bounds to hold [lo, hi].
func (s *Sketch) Widen(lo, hi int64) {
	if !s.bounded {
		s.lo, s.hi, s.bounded = lo, hi, true
		return
	}
	s.lo, s.hi = min(s.lo, lo), max(s.hi, hi)
}

// Bounds returns the smallest and largest duration added; false when
// nothing was.
func (s *Sketch) Bounds() (lo, hi int64, ok bool) { return s.lo, s.hi, s.bounded }

// Merge adds every bucket of o to s and widens s's bounds by o's.
func (s *Sketch) Merge(o *Sketch) {
	for i, n := range o.buckets {
		s.AddBucket(i, n)
	}
	if o.bounded {
		s.Widen(o.lo, o.hi)
	}
}

// Count returns the number of durations held.
func (s *Sketch) Count() int64 { return s.count }

// Buckets returns a copy of the non-zero bucket counts.
func (s *Sketch) Buckets() map[int32]int64 { return maps.Clone(s.buckets) }

// Quantile returns the q-quantile (0 < q <= 1) by nearest rank: the value
// of the ceil(q·n)-th smallest duration, within 1%, clamped to the
// bounds; false when empty.
func (s *Sketch) Quantile(q float64) (float64, bool) {
	if s.count <= 0 {
		return 0, false
	}
	rank := int64(math.Ceil(q * float64(s.count)))
	rank = min(max(rank, 1), s.count)
	keys := slices.Sorted(maps.Keys(s.buckets))
	v := schemas.SketchValue(keys[len(keys)-1])
	var seen int64
	for _, k := range keys {
		seen += s.buckets[k]
		if seen >= rank {
			v = schemas.SketchValue(k)
			break
		}
	}
	if s.bounded {
		v = min(max(v, float64(s.lo)), float64(s.hi))
	}
	return v, true
}
