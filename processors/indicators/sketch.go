package indicators

import (
	"maps"
	"math"
	"slices"

	"github.com/floorwatch/floorwatch/schemas"
)

// Sketch is a mergeable histogram of durations in milliseconds, in the
// log buckets of schemas.SketchBucket: any quantile it returns is within
// schemas.SketchRelativeError (1%) of the exact nearest-rank quantile.
// Counts are signed so corrections can subtract; merging is adding bucket
// counts. The zero Sketch is empty and ready to use. Not safe for
// concurrent use.
type Sketch struct {
	buckets map[int32]int64
	count   int64
}

// Add counts one duration of ms milliseconds n times (n < 0 retracts).
func (s *Sketch) Add(ms int64, n int64) { s.AddBucket(schemas.SketchBucket(ms), n) }

// AddBucket adds n to bucket i.
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

// Merge adds every bucket of o to s.
func (s *Sketch) Merge(o *Sketch) {
	for i, n := range o.buckets {
		s.AddBucket(i, n)
	}
}

// Count returns the number of durations held.
func (s *Sketch) Count() int64 { return s.count }

// Buckets returns a copy of the non-zero bucket counts.
func (s *Sketch) Buckets() map[int32]int64 { return maps.Clone(s.buckets) }

// Quantile returns the q-quantile (0 < q <= 1) by nearest rank: the value
// of the ceil(q·n)-th smallest duration, within 1%; false when empty.
func (s *Sketch) Quantile(q float64) (float64, bool) {
	if s.count <= 0 {
		return 0, false
	}
	rank := int64(math.Ceil(q * float64(s.count)))
	rank = min(max(rank, 1), s.count)
	keys := slices.Sorted(maps.Keys(s.buckets))
	var seen int64
	for _, k := range keys {
		seen += s.buckets[k]
		if seen >= rank {
			return schemas.SketchValue(k), true
		}
	}
	return schemas.SketchValue(keys[len(keys)-1]), true
}
