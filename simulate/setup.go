package simulate

import (
	"math"
	"math/rand/v2"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

func newRand(seed, stream uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, stream)) }

// addTeams builds t's teams from its policy (a tenant without teams gets
// one, "support") and, for a tenant with a platform feed, invents their
// operators: enough for the peak load the rate implies, at least three
// (a 24-hour team runs three shifts).
func (g *Generator) addTeams(t *tenantSim) {
	names := make([]string, 0, len(t.policy.Teams))
	for name := range t.policy.Teams {
		names = append(names, name)
	}
	slices.Sort(names)
	if len(names) == 0 {
		names = []string{"support"}
		if t.policy.DefaultTeam != "" {
			names[0] = t.policy.DefaultTeam
		}
	}
	// Peak conversations per hour and team, for about 16 events each; an
	// operator handles about eight an hour.
	peak := g.opts.Rate / 16 * t.share * curveMax * 3600 / float64(len(names))
	n := min(max(int(math.Ceil(peak/8)), 3), 200)
	for _, name := range names {
		tm := &teamSim{name: name, tenant: t, cal: newCalendar(t.policy.TeamHours(name), t.loc),
			target: t.policy.TeamTarget(name), days: map[int]*daySched{}}
		t.teams = append(t.teams, tm)
		if !t.feed {
			continue
		}
		for i := range n {
			tm.ops = append(tm.ops, &operator{name: t.id + "-" + name + "-" + strconv.Itoa(i+1), team: tm, idx: i})
		}
		g.teams = append(g.teams, tm)
	}
}

// handshakes plans what a platform sends when a webhook is set up: Meta's
// subscription verification, once per tenant and Meta channel with a
// verify token. X's CRC checks come every hour (horizon).
func (g *Generator) handshakes() {
	for _, t := range g.tenants {
		for _, ch := range schemas.Channels {
			tok, ok := t.tokens[ch]
			if !ok || !t.has(ch) {
				continue
			}
			q := url.Values{"hub.mode": {"subscribe"}, "hub.challenge": {digits(g.rng, 10)}, "hub.verify_token": {tok}}
			g.push(&pending{at: g.start + g.rng.Int64N(5000), tenant: t, ch: ch, query: q.Encode()})
		}
	}
}

func (t *tenantSim) has(ch schemas.Channel) bool {
	return slices.ContainsFunc(t.streams, func(s *stream) bool { return s.ch == ch })
}

// horizon plans, ahead of ms, what belongs to no conversation: every
// team's operator presence two local days ahead (so that nothing is ever
// planned before a request already emitted), and X's hourly CRC checks.
func (g *Generator) horizon(ms int64) {
	for _, tm := range g.teams {
		last := tm.cal.dayNum(ms) + 2
		for tm.pushed < last {
			tm.pushed++
			for _, e := range tm.schedule(g.opts.Seed, tm.pushed).events {
				g.pushStatus(tm, e)
			}
			delete(tm.days, tm.pushed-6)
		}
	}
	for ; g.nextCRC <= ms+int64(2*time.Hour/time.Millisecond); g.nextCRC += int64(time.Hour / time.Millisecond) {
		for _, t := range g.tenants {
			if t.has(schemas.X) {
				q := url.Values{"crc_token": {uuid(g.rng)}, "tenant": {t.id}}
				g.push(&pending{at: g.nextCRC + g.rng.Int64N(60_000), tenant: t, ch: schemas.X, query: q.Encode()})
			}
		}
	}
}

// pushStatus plans one operator.status event, delivered like any other
// platform event.
func (g *Generator) pushStatus(tm *teamSim, e statusEv) {
	it := item{kind: itPlatform, typ: schemas.KindOperatorStatus, at: e.at, id: ulid(g.rng, e.at),
		op: e.op.name, status: e.status}
	if g.rng.Float64() < teamInStatus {
		it.team = tm.name
	}
	g.deliver(&pending{tenant: tm.tenant, items: []item{it}}, false)
}

// newCustomer invents a customer of st with an id not yet used on it.
func (g *Generator) newCustomer(st *stream) *customer {
	r := g.rng
	loc := pickLocale(r, st.tenant.locales)
	c := &customer{name: oneOf(r, loc.first) + " " + oneOf(r, loc.last), locale: loc.code}
	for {
		switch st.ch {
		case schemas.WhatsApp:
			c.phone, c.bsuid, c.username = loc.phone(r), "", ""
			switch x := r.Float64(); {
			case x < 0.04: // a user with a username and no visible number
				c.phone, c.bsuid, c.username = "", loc.code+"."+digits(r, 20), "@user"+digits(r, 5)
			case x < 0.2:
				c.bsuid = loc.code + "." + digits(r, 20)
			}
			c.id = c.phone
			if c.id == "" {
				c.id = c.bsuid
			}
		case schemas.Messenger:
			c.id = digits(r, 16)
		case schemas.Instagram:
			c.id = digits(r, 17)
		case schemas.X:
			c.id = digits(r, 9+r.IntN(2))
			if r.Float64() < 0.5 { // accounts created since 2013 have snowflake ids
				c.id = snowflake(r, 1_400_000_000_000+r.Int64N(350_000_000_000))
			}
			c.username = "user_" + digits(r, 6)
		}
		if !st.customers[c.id] {
			break
		}
	}
	if !g.calibrating {
		if len(st.customers) >= maxCustomerIDs {
			// A run of days at a high rate: forget the ids seen so far rather
			// than grow without bound; a reused id is a new person on an old key.
			clear(st.customers)
		}
		st.customers[c.id] = true
	}
	return c
}

// maxCustomerIDs bounds the ids a stream remembers to keep them unique.
const maxCustomerIDs = 1 << 20

// returningShare of conversations come from a customer who wrote before
// and whose last conversation ended, when one is free to come back.
const returningShare = 0.2

// customerFor picks who starts a conversation on st at ms.
func (g *Generator) customerFor(st *stream, ms int64) (*customer, bool) {
	if len(st.returners) > 0 && g.rng.Float64() < returningShare {
		for range 4 {
			i := g.rng.IntN(len(st.returners))
			if c := st.returners[i]; c.freeAt <= ms {
				st.returners[i] = st.returners[len(st.returners)-1]
				st.returners = st.returners[:len(st.returners)-1]
				return c, true
			}
		}
	}
	return g.newCustomer(st), false
}

// chooseTeam picks the team a conversation is routed to at ms: one of
// those open then, else one of those that open soonest.
func (g *Generator) chooseTeam(t *tenantSim, ms int64) *teamSim {
	var open, soonest []*teamSim
	best := int64(math.MaxInt64)
	for _, tm := range t.teams {
		if t.echoes && tm.name != t.policy.DefaultTeam {
			continue
		}
		next, ok := tm.cal.nextOpen(ms)
		switch {
		case !ok:
		case next == ms:
			open = append(open, tm)
		case next < best:
			best, soonest = next, []*teamSim{tm}
		case next == best:
			soonest = append(soonest, tm)
		}
	}
	switch {
	case len(open) > 0:
		return open[g.rng.IntN(len(open))]
	case len(soonest) > 0:
		return soonest[g.rng.IntN(len(soonest))]
	}
	return t.teams[g.rng.IntN(len(t.teams))]
}
