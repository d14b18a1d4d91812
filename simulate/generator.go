package simulate

import (
	"iter"
	"math"
	"math/rand/v2"

	"github.com/floorwatch/floorwatch/config"
)

// Generator plans conversations as they arrive and hands out their
// requests in order of simulated arrival (received_at). It is pure: no
// network, no clock, no goroutine; the same configuration, Options and
// seed give the same requests, byte for byte.
//
// Use: New, then Next (or All) until it reports the end; Counters at any
// time. A Generator is not safe for concurrent use. Without End or
// Conversations the stream never ends: the caller stops reading.
type Generator struct {
	opts    Options
	rng     *rand.Rand
	tenants []*tenantSim
	streams []*stream
	teams   []*teamSim // of tenants with a platform feed
	agenda  agenda
	seq     uint64

	start, end int64 // Unix ms; end = math.MaxInt64 without End
	arrival    int64 // next conversation arrival; math.MaxInt64 once arrivals stopped
	started    int   // conversations planned
	convLeft   int   // conversation requests still in the agenda
	nextCRC    int64
	done       bool

	// Rate holding: events planned per conversation (calibrated, then
	// running) and the rate of events that belong to no conversation.
	planned, plans float64
	fixedRate      float64 // events per second
	calibrating    bool
	note           func(*pending) // while calibrating, sees what would be pushed
	ramp           ramp

	counters Counters
}

// New prepares a run over cfg's tenants (a valid configuration, as
// config.Load returns). It fails when no account can be signed for or
// the options are invalid.
func New(cfg *config.Config, opts Options) (*Generator, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	tenants, err := buildTenants(cfg)
	if err != nil {
		return nil, err
	}
	g := &Generator{opts: opts, tenants: tenants, rng: rand.New(rand.NewPCG(opts.Seed, 0x51a7e)),
		start: opts.Start.UnixMilli(), end: math.MaxInt64,
		counters: NewCounters()}
	if !opts.End.IsZero() {
		g.end = opts.End.UnixMilli()
	}
	for _, t := range tenants {
		g.streams = append(g.streams, t.streams...)
		g.addTeams(t)
	}
	g.calibrate()
	g.handshakes()
	g.nextCRC = g.start + 90_000
	for _, tm := range g.teams {
		tm.pushed = tm.cal.dayNum(g.start) - 2
	}
	g.horizon(g.start)
	g.arrival = g.start
	g.scheduleArrival()
	return g, nil
}

// Next returns the next request in order of arrival, and false once the
// run is over.
func (g *Generator) Next() (Request, bool) {
	for !g.done {
		if g.opts.Conversations > 0 && g.arrival == math.MaxInt64 && g.convLeft == 0 {
			break // the last conversation's last request is out
		}
		if top := g.agenda.peek(); top != nil && top.at <= g.arrival {
			p := g.agenda.pop()
			if p.conv {
				g.convLeft--
			}
			g.horizon(p.at)
			r := p.build()
			g.counters.Add(&r)
			return r, true
		}
		if g.arrival == math.MaxInt64 {
			break
		}
		g.horizon(g.arrival)
		g.arrive()
	}
	g.done = true
	return Request{}, false
}

// All is Next as an iterator.
func (g *Generator) All() iter.Seq[Request] {
	return func(yield func(Request) bool) {
		for {
			r, ok := g.Next()
			if !ok || !yield(r) {
				return
			}
		}
	}
}

// Counters returns what was emitted so far.
func (g *Generator) Counters() Counters { return g.counters.Clone() }

// Conversations is how many conversations have started so far (cheaper
// than Counters, for progress).
func (g *Generator) Conversations() int { return g.started }

// Operators lists the invented operators, "<tenant>-<team>-<n>", by
// tenant and team: the only operators platform events name, besides each
// tenant's "<tenant>-supervisor", who recovers cases.
func (g *Generator) Operators() []string {
	var out []string
	for _, tm := range g.teams {
		for _, op := range tm.ops {
			out = append(out, op.name)
		}
	}
	return out
}

// push adds p to the agenda unless it arrives at or after the end (or
// before the start). While calibrating it only notes when p arrives.
func (g *Generator) push(p *pending) {
	if g.calibrating {
		g.note(p)
		return
	}
	if p.at >= g.end || p.at < g.start {
		return
	}
	g.seq++
	p.seq = g.seq
	if p.conv {
		g.convLeft++
	}
	g.agenda.push(p)
}
