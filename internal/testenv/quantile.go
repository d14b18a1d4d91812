package testenv

import (
	"slices"
	"time"
)

// Quantile is the nearest-rank q-quantile of ds (0 for none): the latency
// figures benchmarks report.
func Quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(ds))
	i := int(float64(len(s))*q+0.999999) - 1
	return s[max(0, min(i, len(s)-1))]
}
