package simulate

import "time"

// A run starts empty: at Start no conversation is under way, so the
// events that conversations begun earlier would bring (replies, receipts,
// closes, the morning backlog) are missing, and without help the rate
// would take an hour to ramp up and the first morning would lack its
// backlog. The ramp boosts arrivals early in the run just enough to make
// up for them. Per minute n after Start:
//
//	missing[n]  events that conversations arriving before Start would bring
//	            (measured by planning a sample of them),
//	f[h][d]     events a conversation arriving in hour h after Start brings
//	            in the d-th minute after it arrives (measured the same way;
//	            it depends on the hour: at night, the reply waits for the
//	            morning),
//	extra[n]    the conversations added in minute n, solving
//	            sum over k ≤ n of extra[k]·f[hour(k)][n-k] = missing[n]
//	            (never negative),
//
// and the boost is 1 + extra[n]/arrivals[n], arrivals[n] being the
// conversations expected in minute n without it.
type ramp struct {
	boost []float64 // per minute after Start
	top   float64   // its maximum, the thinning bound
}

const (
	rampBin     = int64(time.Minute / time.Millisecond)
	rampHorizon = 36 * 60 // minutes; beyond it the boost is 1
)

func solveRamp(f []histogram, missing, arrivals []float64) ramp {
	r := ramp{boost: make([]float64, rampHorizon), top: 1}
	extra := make([]float64, rampHorizon)
	for n := range rampHorizon {
		sum := 0.0
		for k := range n {
			if extra[k] > 0 {
				sum += extra[k] * at(f[k/60], n-k)
			}
		}
		r.boost[n] = 1
		if f0 := at(f[n/60], 0); f0 > 0 && arrivals[n] > 0 {
			extra[n] = max((at(missing, n)-sum)/f0, 0)
			r.boost[n] += extra[n] / arrivals[n]
		}
		r.top = max(r.top, r.boost[n])
	}
	return r
}

func at(s []float64, i int) float64 {
	if i < len(s) {
		return s[i]
	}
	return 0
}

// at is the boost ms after Start.
func (r *ramp) at(sinceStart int64) float64 {
	if i := sinceStart / rampBin; sinceStart >= 0 && i < int64(len(r.boost)) {
		return r.boost[i]
	}
	return 1
}

// bound is the largest boost at or after ms from Start.
func (r *ramp) bound(sinceStart int64) float64 {
	if sinceStart/rampBin >= int64(len(r.boost)) {
		return 1
	}
	return r.top
}

// histogram sums events into minutes from an origin.
type histogram []float64

func (h *histogram) add(sinceOrigin int64, events float64) {
	i := sinceOrigin / rampBin
	if sinceOrigin < 0 || i >= rampHorizon {
		return
	}
	for int(i) >= len(*h) {
		*h = append(*h, 0)
	}
	(*h)[i] += events
}

func (h histogram) scale(by float64) histogram {
	for i := range h {
		h[i] *= by
	}
	return h
}
