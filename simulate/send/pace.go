package send

import (
	"context"
	"time"

	"github.com/floorwatch/floorwatch/simulate"
)

// pacer holds each request back until its moment: its simulated arrival
// (RealTime), or the moment the events sent so far allow at the rate
// (CatchUp, a token bucket without burst).
type pacer struct {
	pace      Pace
	rate      float64
	began     time.Time
	events    float64 // sent so far (CatchUp)
	simulated time.Time
}

func (p *pacer) wait(ctx context.Context, r *simulate.Request) error {
	p.simulated = r.ReceivedAt.Time
	var until time.Time
	switch p.pace {
	case RealTime:
		until = r.ReceivedAt.Time
	case CatchUp:
		if r.ReceivedAt.After(time.Now()) {
			return errPresent
		}
		if p.rate > 0 {
			p.events += float64(r.Events)
			until = p.began.Add(time.Duration(p.events / p.rate * float64(time.Second)))
		}
	}
	return sleepUntil(ctx, until)
}

// sleepUntil waits for t (no wait for a zero or past t) or ctx.
func sleepUntil(ctx context.Context, t time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d := time.Until(t)
	if t.IsZero() || d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
