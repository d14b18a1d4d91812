package oracle

import (
	"math"
	"slices"

	"github.com/floorwatch/floorwatch/schemas"
)

// The report's percentiles are documented (docs/indicators.md §4,
// docs/queries.md) as the nearest rank over log buckets of relative
// accuracy 1%, clamped to the set's smallest and largest duration. The
// oracle computes exactly that from the whole set: bucket every duration,
// take the ⌈q·n⌉-th smallest bucket, read back its representative value,
// round half up, clamp.
var logGamma = math.Log(1.01 / 0.99)

// bucket is ⌈log_γ ms⌉; 0 below 1 ms, and 1 ms in bucket 1.
func bucket(ms int64) int {
	if ms < 1 {
		return 0
	}
	return max(1, int(math.Ceil(math.Log(float64(ms))/logGamma)))
}

// representative is the value bucket i reads back: 2·γ^i/(γ+1).
func representative(i int) float64 {
	if i <= 0 {
		return 0
	}
	return 2 * math.Exp(float64(i)*logGamma) / (math.Exp(logGamma) + 1)
}

// percentile is the q-quantile of ms as the report gives it.
func percentile(ms []int64, q float64) int64 {
	buckets := make([]int, len(ms))
	for i, v := range ms {
		buckets[i] = bucket(v)
	}
	slices.Sort(buckets)
	rank := max(1, int(math.Ceil(q*float64(len(ms)))))
	v := int64(math.Floor(representative(buckets[rank-1]) + 0.5))
	return min(max(v, slices.Min(ms)), slices.Max(ms))
}

// stats is the count, exact average and percentiles of a set of
// durations, in calendar and business time; nulls when it is empty.
func stats(ds []Duration) schemas.ReportStats {
	s := schemas.ReportStats{Count: int64(len(ds))}
	if len(ds) == 0 {
		return s
	}
	cal, biz := make([]int64, len(ds)), make([]int64, len(ds))
	var sum, bsum int64
	for i, d := range ds {
		cal[i], biz[i] = d.Ms, d.BusinessMs
		sum += d.Ms
		bsum += d.BusinessMs
	}
	avg, bavg := float64(sum)/float64(len(ds)), float64(bsum)/float64(len(ds))
	s.AvgMs, s.BusinessAvgMs = &avg, &bavg
	p := func(v []int64, q float64) *int64 { x := percentile(v, q); return &x }
	s.P50Ms, s.P90Ms, s.P99Ms = p(cal, 0.5), p(cal, 0.9), p(cal, 0.99)
	s.BusinessP50Ms, s.BusinessP90Ms, s.BusinessP99Ms = p(biz, 0.5), p(biz, 0.9), p(biz, 0.99)
	return s
}
