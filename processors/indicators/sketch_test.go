package indicators

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
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
			got := *d.percentile(q)
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
	if *left.percentile(0.9) != *whole.percentile(0.9) || left.Count != whole.Count {
		t.Error("merging two halves does not give the whole")
	}
	var viaDelta Durations
	viaDelta.AddDelta(whole.Delta())
	for _, v := range values[:100] {
		viaDelta.Add(v, 0, 1)
		viaDelta.Add(v, 0, -1) // a correction retracts what it added
	}
	if viaDelta.Count != whole.Count || *viaDelta.percentile(0.5) != *whole.percentile(0.5) || len(viaDelta.Sketch.buckets) != len(whole.Sketch.buckets) {
		t.Error("a delta round trip with retractions does not give the original")
	}
}
