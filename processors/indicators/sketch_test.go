package indicators

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/floorwatch/floorwatch/schemas"
)

// exactQuantile is the nearest-rank quantile of sorted values.
func exactQuantile(sorted []int64, q float64) int64 {
	rank := int(math.Ceil(q * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

func datasets() map[string][]int64 {
	rng := rand.New(rand.NewPCG(3, 4))
	uniform, lognormal, heavy := make([]int64, 20000), make([]int64, 20000), make([]int64, 20000)
	for i := range uniform {
		uniform[i] = rng.Int64N(3_600_000)
		lognormal[i] = int64(math.Exp(rng.NormFloat64()*2 + 11))
		heavy[i] = int64(1 / (rng.Float64() + 1e-9))
	}
	// Adversarial sets: values on bucket edges, tiny values, a wide spread,
	// many equal values with a few outliers.
	var edges, tiny, spread, spikes []int64
	for i := int32(1); i < 1500; i++ {
		edges = append(edges, int64(math.Floor(math.Pow(1.01/0.99, float64(i)))))
	}
	for i := int64(0); i < 3000; i++ {
		tiny = append(tiny, i%7)
		spread = append(spread, int64(math.Pow(10, float64(i%13))))
		spikes = append(spikes, 299_999+(i%2))
	}
	spikes = append(spikes, 1, 7*24*3_600_000)
	return map[string][]int64{"uniform": uniform, "lognormal": lognormal, "heavy tail": heavy,
		"bucket edges": edges, "tiny values": tiny, "thirteen decades": spread, "spikes": spikes}
}

func TestSketchQuantilesAreWithinTwoPercent(t *testing.T) {
	for name, values := range datasets() {
		var d Durations
		for _, v := range values {
			d.Add(v, v, 1)
		}
		sorted := slices.Sorted(slices.Values(values))
		for _, q := range []float64{0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 1} {
			want := exactQuantile(sorted, q)
			got := *percentile(&d.Sketch, q)
			if math.Abs(float64(got-want)) > 0.02*float64(want) {
				t.Errorf("%s: p%v = %d, exact %d: beyond 2%%", name, q*100, got, want)
			}
		}
	}
}

func TestSketchesMergeAndRetractByAddingBuckets(t *testing.T) {
	values := datasets()["lognormal"]
	var whole, left, right Durations
	for i, v := range values {
		whole.Add(v, 0, 1)
		if i%2 == 0 {
			left.Add(v, 0, 1)
		} else {
			right.Add(v, 0, 1)
		}
	}
	left.Merge(&right)
	if *percentile(&left.Sketch, 0.9) != *percentile(&whole.Sketch, 0.9) || left.Count != whole.Count {
		t.Error("merging two halves does not give the whole")
	}
	var viaDelta Durations
	viaDelta.AddDelta(whole.Delta())
	for _, v := range values[:100] {
		viaDelta.Add(v, 0, 1)
		viaDelta.Add(v, 0, -1) // a correction retracts what it added
	}
	if viaDelta.Count != whole.Count || *percentile(&viaDelta.Sketch, 0.5) != *percentile(&whole.Sketch, 0.5) || len(viaDelta.Sketch.buckets) != len(whole.Sketch.buckets) {
		t.Error("a delta round trip with retractions does not give the original")
	}
}

func TestOneDurationReadsExactlyItself(t *testing.T) {
	for _, ms := range []int64{0, 1, 7, 180_000, 600_000, 7 * 24 * 3_600_000} {
		var d Durations
		d.Add(ms, ms/2, 1)
		st := d.Stats()
		for name, got := range map[string]*int64{"p50": st.P50Ms, "p90": st.P90Ms, "p99": st.P99Ms} {
			if *got != ms {
				t.Errorf("%d ms: %s reads %d", ms, name, *got)
			}
		}
		for name, got := range map[string]*int64{"p50": st.BusinessP50Ms, "p90": st.BusinessP90Ms, "p99": st.BusinessP99Ms} {
			if *got != ms/2 {
				t.Errorf("%d ms business: %s reads %d, want %d", ms, name, *got, ms/2)
			}
		}
	}
}

func TestPercentilesNeverLieOutsideTheSmallestAndLargestDuration(t *testing.T) {
	for name, values := range datasets() {
		// Narrow sets too: three values, all in one bucket or two.
		for _, set := range [][]int64{values, values[:3], values[len(values)-2:]} {
			var d Durations
			for _, v := range set {
				d.Add(v, v/3, 1)
			}
			lo, hi := slices.Min(set), slices.Max(set)
			for _, q := range []float64{0.01, 0.5, 0.9, 0.99, 1} {
				if got := *percentile(&d.Sketch, q); got < lo || got > hi {
					t.Errorf("%s (%d values): p%v = %d outside [%d, %d]", name, len(set), q*100, got, lo, hi)
				}
				if got := *percentile(&d.BusinessSketch, q); got < lo/3 || got > hi/3 {
					t.Errorf("%s (%d values): business p%v = %d outside [%d, %d]", name, len(set), q*100, got, lo/3, hi/3)
				}
			}
		}
	}
}

func TestBoundsMergeAndSurviveADeltaRoundTrip(t *testing.T) {
	// Four values of one bucket, which reads 603 435 ms: every percentile
	// is clamped to the largest value.
	var left, right, whole Durations
	for i, v := range []int64{600_000, 600_500, 600_200, 600_100} {
		whole.Add(v, v, 1)
		if i%2 == 0 {
			left.Add(v, v, 1)
		} else {
			right.Add(v, v, 1)
		}
	}
	left.Merge(&right)
	var viaDelta Durations
	viaDelta.AddDelta(whole.Delta())
	for name, d := range map[string]*Durations{"merged": &left, "via a delta": &viaDelta} {
		if lo, hi, _ := d.Sketch.Bounds(); lo != 600_000 || hi != 600_500 {
			t.Errorf("%s: bounds [%d, %d], want [600000, 600500]", name, lo, hi)
		}
		if lo, hi, _ := d.BusinessSketch.Bounds(); lo != 600_000 || hi != 600_500 {
			t.Errorf("%s: business bounds [%d, %d], want [600000, 600500]", name, lo, hi)
		}
		if p := *percentile(&d.Sketch, 0.5); p != 600_500 {
			t.Errorf("%s: p50 %d, want 600500 (the bucket's value clamped to the largest)", name, p)
		}
	}
}

// A retraction cannot narrow the bounds (the next smallest value is not
// known), so they may be wider than the set afterwards; the clamp to
// wider bounds still never moves a value away from the exact one.
func TestARetractionNeverNarrowsTheBounds(t *testing.T) {
	var d Durations
	d.Add(100_000, 100_000, 1)
	d.Add(900_000, 900_000, 1)
	d.Add(900_000, 900_000, -1) // a late event corrected it away
	if lo, hi, _ := d.Sketch.Bounds(); lo != 100_000 || hi != 900_000 {
		t.Errorf("bounds [%d, %d] after a retraction, want the wider [100000, 900000]", lo, hi)
	}
	p := *percentile(&d.Sketch, 0.99)
	if math.Abs(float64(p-100_000)) > 0.01*100_000 {
		t.Errorf("p99 of the one remaining 100000 ms is %d: beyond 1%%", p)
	}
}

func TestADeltaWithoutBoundsNeverClamps(t *testing.T) {
	// A record written before deltas carried bounds: the buckets of one
	// 600 000 ms duration and nothing else.
	var d Durations
	d.AddDelta(schemas.DurationDelta{Count: 1, SumMs: 600_000, Buckets: map[int32]int64{schemas.SketchBucket(600_000): 1}})
	want := int64(math.Round(schemas.SketchValue(schemas.SketchBucket(600_000))))
	if got := *percentile(&d.Sketch, 0.5); got != want || got == 600_000 {
		t.Errorf("p50 %d, want the unclamped sketch value %d", got, want)
	}
}
