package schemas

import "math"

// Duration percentiles come from a log-bucket sketch (DDSketch-style): a
// duration of v ms falls in bucket ceil(log_γ v), every value in a bucket is
// within SketchRelativeError of the bucket's representative value, and two
// sketches merge by adding bucket counts. Processors ship bucket deltas per
// minute; ClickHouse sums them and SQL reads percentiles back with the same
// mapping. Bucket 0 holds durations below 1 ms.
const SketchRelativeError = 0.01

// sketchGamma is (1+α)/(1-α).
var sketchLogGamma = math.Log((1 + SketchRelativeError) / (1 - SketchRelativeError))

// SketchBucket returns the bucket index of a duration in milliseconds.
func SketchBucket(ms int64) int32 {
	if ms < 1 {
		return 0
	}
	// 1 ms would map to ceil(0) = 0 and read back as 0: keep it in bucket 1,
	// whose value (≈1.01 ms) is within the error of 1 ms.
	return max(1, int32(math.Ceil(math.Log(float64(ms))/sketchLogGamma)))
}

// SketchValue returns the representative duration (ms) of bucket i: the
// value whose relative distance to both bucket edges is SketchRelativeError.
func SketchValue(i int32) float64 {
	if i <= 0 {
		return 0
	}
	g := math.Exp(sketchLogGamma)
	return 2 * math.Pow(g, float64(i)) / (g + 1)
}

// SketchLogGamma is ln γ, for SQL that maps buckets back to values:
// value = 2·exp(i·ln γ)/(γ+1).
func SketchLogGamma() float64 { return sketchLogGamma }
