package simulate

import (
	"math"
	"time"
)

// The daily curve: how busy a tenant is at each hour of its local day,
// relative to its daily average (the curve's mean over a day is 1). Quiet
// nights, a morning peak, a lunch dip and an afternoon peak.
var curvePoints = []struct{ h, v float64 }{
	{0, 0.18}, {5, 0.1}, {7, 0.45}, {9, 1.5}, {10.5, 1.9}, {12, 1.5}, {13, 1.2}, {14, 1.6},
	{15.5, 1.75}, {17.5, 1.3}, {19, 0.9}, {21, 0.6}, {23, 0.3}, {24, 0.18},
}

func rawCurve(h float64) float64 {
	for i := 1; i < len(curvePoints); i++ {
		a, b := curvePoints[i-1], curvePoints[i]
		if h <= b.h {
			return a.v + (b.v-a.v)*(h-a.h)/(b.h-a.h)
		}
	}
	return curvePoints[len(curvePoints)-1].v
}

// curveMean and curveMax normalize the curve; computed once, never changed.
var curveMean, curveMax = func() (float64, float64) {
	var sum, top float64
	const steps = 24 * 60
	for i := range steps {
		v := rawCurve(float64(i) * 24 / steps)
		sum += v
		top = math.Max(top, v)
	}
	return sum / steps, top / (sum / steps)
}()

// curveAt is the curve at ms in loc, normalized to a daily mean of 1.
func curveAt(loc *time.Location, ms int64) float64 {
	t := time.UnixMilli(ms).In(loc)
	h := float64(t.Hour()) + float64(t.Minute())/60 + float64(t.Second())/3600
	return rawCurve(h) / curveMean
}
