package simulate

import "math"

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
	rate := g.convRate()
	t := float64(g.arrival)
	for {
		bound := curveMax * g.ramp.bound(int64(t)-g.start)
		t += g.rng.ExpFloat64() / (rate * bound)
		if t >= float64(g.end) || t >= math.MaxInt64/2 {
			g.arrival = math.MaxInt64
			return
		}
		if g.rng.Float64()*bound <= g.intensity(int64(t))*g.ramp.at(int64(t)-g.start) {
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

// calibrate plans samples of conversations, planned then thrown away
// (calibrating keeps them out of the agenda and the customer pools):
// over the ramp's horizon after Start, to estimate the events of a
// conversation and when they come; before Start, to measure what the
// ramp makes up for. It also measures the rate of operator presence.
func (g *Generator) calibrate() {
	const after, before = 2400, 1200
	saved := g.rng
	g.rng = newRand(g.opts.Seed, 0xca11b)
	g.calibrating = true
	g.fixedRate = g.presenceRate()
	horizon := rampHorizon * rampBin
	f := make([]histogram, rampHorizon/60)
	counts := make([]float64, len(f))
	g.planned, g.plans = 16, 1 // a prior, so that the estimate is never empty
	g.sample(after, g.start, g.start+horizon, func(t int64, p *pending) {
		h := (t - g.start) / (60 * rampBin)
		if p == nil {
			counts[h]++
			return
		}
		f[h].add(p.at-t, float64(p.events()))
	})
	for h := range f {
		f[h].scale(1 / max(counts[h], 1))
	}
	var missing histogram
	g.sample(before, g.start-horizon, g.start, func(_ int64, p *pending) {
		if p != nil {
			missing.add(p.at-g.start, float64(p.events()))
		}
	})
	rate := g.convRate() * float64(rampBin)
	arrivals := make([]float64, rampHorizon)
	var expected float64 // conversations before Start
	for n := range rampHorizon {
		arrivals[n] = rate * g.intensity(g.start+int64(n)*rampBin+rampBin/2)
		expected += rate * g.intensity(g.start-horizon+int64(n)*rampBin+rampBin/2)
	}
	g.ramp = solveRamp(f, missing.scale(expected/before), arrivals)
	g.calibrating, g.note, g.rng = false, nil, saved
}

// sample plans n conversations arriving in [from, to) as arrivals do
// (the daily curves) and shows note each of their requests, then nil.
func (g *Generator) sample(n int, from, to int64, note func(arrival int64, p *pending)) {
	for i := 0; i < n; {
		t := from + g.rng.Int64N(to-from)
		if g.rng.Float64()*curveMax > g.intensity(t) {
			continue
		}
		note(t, nil)
		g.note = func(p *pending) { note(t, p) }
		st := g.pickStream(t)
		p := g.plan(st, g.newCustomer(st), t)
		g.planned += float64(p.events)
		g.plans++
		i++
	}
}

// presenceRate is the operator.status events per second over the first week.
func (g *Generator) presenceRate() float64 {
	var statuses int
	for _, tm := range g.teams {
		d0 := tm.cal.dayNum(g.start)
		for d := d0; d < d0+7; d++ {
			statuses += len(tm.schedule(g.opts.Seed, d).events)
		}
	}
	return float64(statuses) / (7 * 86400)
}
