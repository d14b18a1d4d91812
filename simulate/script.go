package simulate

import (
	"math/rand/v2"
	"time"
)

// planner plans one conversation whole when it arrives: every message,
// receipt and platform event with its time, read off the operators'
// schedules. Its clock (now) only moves forward; every item it plans
// occurs at or after the arrival, so nothing lands before a request
// already emitted.
type planner struct {
	g  *Generator
	r  *rand.Rand
	t  *tenantSim
	st *stream
	c  *customer

	now        int64 // time of the latest step
	last       int64 // latest item planned
	waitOpen   bool
	waitStart  int64
	readAt     int64  // when the customer read the last business message (0: unread)
	lastBiz    string // id of the last business message
	lastCust   string // id of the last customer message
	team       *teamSim
	op         *operator
	assignedAt int64
	events     int // events planned, for rate holding
}

// Conversation shapes, in one place.
const (
	botOnlyShare     = 0.12 // a bot answers and never hands over
	botFirstShare    = 0.5  // of the others, a bot greets before routing
	abandonedShare   = 0.03 // routed, never picked up: the window expires
	transferShare    = 0.12
	operatorClose    = 0.70 // closed by the operator
	platformClose    = 0.12 // closed by the platform, without an operator; the rest stay open
	unansweredRescue = 0.4  // of waits past the threshold, recovered by a supervisor
)

// plan plans a conversation of c on st starting at t0.
func (g *Generator) plan(st *stream, c *customer, t0 int64) *planner {
	p := &planner{g: g, r: g.rng, t: st.tenant, st: st, c: c, now: t0}
	p.customerBurst(opening)
	switch {
	case p.t.echoes:
		p.inbox()
	case p.t.feed:
		p.support()
	default:
		p.botExchange()
		p.botEnd()
	}
	return p
}

// support is a conversation of a tenant with a platform feed: maybe a
// bot first, then routing, assignment, turns of replies, maybe a
// transfer, and a close (or not).
func (p *planner) support() {
	botOnly := p.chance(botOnlyShare)
	if botOnly || p.chance(botFirstShare) {
		p.botExchange()
	}
	if botOnly {
		p.botEnd()
		return
	}
	p.route(p.now + p.between(time.Second, 8*time.Second))
	if p.chance(abandonedShare) || !p.assign(p.now) {
		return
	}
	turns := 1
	for turns < 6 && p.chance(0.55) {
		turns++
	}
	transferAt := -1
	if p.chance(transferShare) {
		transferAt = p.r.IntN(turns)
	}
	for turn := range turns {
		if !p.answer(turn == 0) {
			return // left waiting: to recover, then expired
		}
		p.maybeReact()
		if turn == transferAt && !p.transfer() {
			return
		}
		if turn < turns-1 {
			p.gap()
			p.customerBurst(answer)
		}
	}
	p.close()
}

// inbox is a conversation of a tenant whose replies are typed in the
// channels' own inboxes (echoes_as_replies): floorwatch routes it to the
// default team at the first message; people answer in business hours;
// nothing closes it but the idle close.
func (p *planner) inbox() {
	p.team = p.g.chooseTeam(p.t, p.now)
	if p.chance(0.25) {
		p.businessMessage(p.now+p.between(time.Second, 3*time.Second), byBot, oneOf(p.r, botGreetings))
	}
	if p.chance(abandonedShare) {
		return
	}
	turns := 1
	for turns < 5 && p.chance(0.5) {
		turns++
	}
	for turn := range turns {
		at := p.inboxReplyAt(turn == 0)
		p.nudges(at)
		p.reply(at)
		p.maybeReact()
		if turn < turns-1 {
			p.gap()
			p.customerBurst(answer)
		}
	}
	p.returnLater(p.last)
}

// inboxReplyAt is when someone answers from the inbox: after a reply
// delay if the team is open, else some time after it opens.
func (p *planner) inboxReplyAt(first bool) int64 {
	cal := &p.team.cal
	start := max(p.waitStart, p.now)
	at := start + p.replyDelay(first)
	if !cal.open(start) || !cal.open(at) {
		if next, ok := cal.nextOpen(at); ok {
			at = next + p.between(2*time.Minute, 50*time.Minute)
		}
	}
	return at
}

// gap is the pause before the customer writes again.
func (p *planner) gap() {
	from := max(p.now, p.readAt)
	switch x := p.r.Float64(); {
	case x < 0.8:
		p.now = from + p.between(20*time.Second, 6*time.Minute)
	case x < 0.95:
		p.now = from + p.between(20*time.Minute, 3*time.Hour)
	default:
		p.now = from + p.between(6*time.Hour, 20*time.Hour)
	}
}

// returnLater lets the customer come back after a conversation ended at ms.
func (p *planner) returnLater(ms int64) {
	if p.g.calibrating {
		return
	}
	if p.chance(0.3) {
		p.c.freeAt = ms + p.between(10*time.Minute, 2*time.Hour)
	} else {
		p.c.freeAt = ms + p.between(2*time.Hour, 72*time.Hour)
	}
	if len(p.st.returners) >= 5000 {
		i := p.r.IntN(len(p.st.returners))
		p.st.returners[i] = p.st.returners[len(p.st.returners)-1]
		p.st.returners = p.st.returners[:len(p.st.returners)-1]
	}
	p.st.returners = append(p.st.returners, p.c)
}

func (p *planner) chance(x float64) bool { return p.r.Float64() < x }

// between draws a duration in [a, b), in ms.
func (p *planner) between(a, b time.Duration) int64 {
	return a.Milliseconds() + p.r.Int64N(max(b.Milliseconds()-a.Milliseconds(), 1))
}
