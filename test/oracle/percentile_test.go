package oracle

import (
	"testing"
)

// Percentiles as the report gives them: nearest rank over log buckets
// (ln γ = ln(1.01/0.99) ≈ 0.0200007), the bucket read back as 2γ^i/(γ+1),
// rounded, clamped to the set's smallest and largest duration.
func TestPercentiles(t *testing.T) {
	cases := []struct {
		name          string
		set           []int64
		p50, p90, p99 int64
	}{
		// 180 000 ms is in bucket ⌈ln 180000 / ln γ⌉ = 606, which reads
		// 181 743.87 → 181 744; clamped to the set, one duration reads itself.
		{"one duration reads itself", []int64{180000}, 180000, 180000, 180000},
		// 600 000 and 600 001 share bucket 666 (603 435.05): clamped to 600 001.
		{"clamped to the largest", []int64{600000, 600001}, 600001, 600001, 600001},
		// p50 is the 2nd of 4 (⌈0.5·4⌉): 200 000 in bucket 611 reads
		// 200 858.71 → 200 859; p90 and p99 the 4th: 400 000 in bucket 645
		// reads 396 479.53 → 396 480, inside the set, so not clamped.
		{"nearest rank", []int64{400000, 100000, 300000, 200000}, 200859, 396480, 396480},
		// 0 ms is bucket 0, which reads 0; 2 ms is bucket 35 (1.99 → 2).
		{"zero and tiny", []int64{0, 0, 2}, 0, 2, 2},
		// The 3rd of 3: 1 500 in bucket 366 reads 1 495.47 → 1 495 (within
		// the set, so not clamped); the 2nd: 1 000 in bucket 346 reads
		// 1 002.43 → 1 002.
		{"read back from the bucket", []int64{1000, 1500, 1}, 1002, 1495, 1495},
	}
	for _, c := range cases {
		p50, p90, p99 := percentile(c.set, 0.5), percentile(c.set, 0.9), percentile(c.set, 0.99)
		if p50 != c.p50 || p90 != c.p90 || p99 != c.p99 {
			t.Errorf("%s: p50 %d p90 %d p99 %d, want %d %d %d", c.name, p50, p90, p99, c.p50, c.p90, c.p99)
		}
	}
}

func TestStatsAreExactAveragesAndNullsWhenEmpty(t *testing.T) {
	s := stats([]Duration{{Ms: 1, BusinessMs: 0}, {Ms: 2, BusinessMs: 1}})
	if s.Count != 2 || *s.AvgMs != 1.5 || *s.BusinessAvgMs != 0.5 || *s.P50Ms != 1 || *s.BusinessP50Ms != 0 {
		t.Errorf("stats %+v, want count 2, averages 1.5 and 0.5", s)
	}
	if e := stats(nil); e.Count != 0 || e.AvgMs != nil || e.P50Ms != nil || e.BusinessP99Ms != nil {
		t.Errorf("empty: %+v, want nulls", e)
	}
}
