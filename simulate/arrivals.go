package simulate

import (
	"math"
	"time"
)

// Conversations arrive as a Poisson process whose intensity follows each
// tenant's daily curve (drawn by thinning), scaled so that the events
// they carry, plus those that belong to no conversation (operator
// presence), average Options.Rate per second of simulated time.

// intensity is the arrival intensity at ms relative to its daily average:
// the tenants' curves in their own time zones, weighted by their share.
func (g *Generator) intensity(ms int64) float64 {
	var sum float64
	for _, t := range g.tenants {
		sum += t.share * curveAt(t.loc, ms)
	}
	return sum
}

// convRate is the average number of conversations per millisecond that
// holds the target rate, given the events planned per conversation so far.
func (g *Generator) convRate() float64 {
	perConv := g.planned / g.plans
	rate := math.Max(g.opts.Rate-g.fixedRate, g.opts.Rate*0.1)
	return rate / perConv / 1000
}

// scheduleArrival draws the arrival that follows g.arrival.
func (g *Generator) scheduleArrival() {
	if g.opts.Conversations > 0 && g.started >= g.opts.Conversations {
		g.arrival = math.MaxInt64
		return
	}
	peak := g.convRate() * curveMax
	t := float64(g.arrival)
	for {
		t += g.rng.ExpFloat64() / peak
		if t >= float64(g.end) || t >= math.MaxInt64/2 {
			g.arrival = math.MaxInt64
			return
		}
		if g.rng.Float64()*curveMax <= g.intensity(int64(t)) {
			g.arrival = max(int64(t), g.arrival)
			return
		}
	}
}

// pickStream draws the stream of an arrival at ms, by weight and the
// stream's tenant's curve at that moment.
func (g *Generator) pickStream(ms int64) *stream {
	var total float64
	for _, s := range g.streams {
		total += s.weight * curveAt(s.tenant.loc, ms)
	}
	x := g.rng.Float64() * total
	for _, s := range g.streams {
		x -= s.weight * curveAt(s.tenant.loc, ms)
		if x < 0 {
			return s
		}
	}
	return g.streams[len(g.streams)-1]
}

// arrive plans the conversation arriving now and draws the next arrival.
func (g *Generator) arrive() {
	t := g.arrival
	st := g.pickStream(t)
	c, returning := g.customerFor(st, t)
	p := g.plan(st, c, t)
	g.started++
	g.counters.Conversations++
	if returning {
		g.counters.Returning++
	}
	g.planned += float64(p.events)
	g.plans++
	g.scheduleArrival()
}

// calibrate estimates the events of a conversation by planning a sample
// of them over the first week (planned, then thrown away: calibrating
// keeps them out of the agenda and the customer pools), and the rate of
// operator presence events over the same week.
func (g *Generator) calibrate() {
	const samples = 400
	week := int64(7 * 24 * time.Hour / time.Millisecond)
	saved := g.rng
	g.rng = newRand(g.opts.Seed, 0xca11b)
	g.calibrating = true
	g.planned, g.plans = 16, 1 // a prior, so that the estimate is never empty
	for i := 0; i < samples; {
		t := g.start + g.rng.Int64N(week)
		if g.rng.Float64()*curveMax > g.intensity(t) {
			continue
		}
		st := g.pickStream(t)
		p := g.plan(st, g.newCustomer(st), t)
		g.planned += float64(p.events)
		g.plans++
		i++
	}
	g.calibrating = false
	g.rng = saved
	var statuses int
	for _, tm := range g.teams {
		d0 := tm.cal.dayNum(g.start)
		for d := d0; d < d0+7; d++ {
			statuses += len(tm.schedule(g.opts.Seed, d).events)
		}
	}
	g.fixedRate = float64(statuses) / (7 * 86400)
}
