package simulate

import (
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// Human support through the platform feed: routing, assignment, replies,
// what happens when an operator leaves or lets a customer wait, transfers
// and closes.

var interactionTypes = []string{"callback", "complaint", "order_status"}

// route hands the conversation to a team's queue at at.
func (p *planner) route(at int64) {
	p.team = p.g.chooseTeam(p.t, at)
	it := item{typ: schemas.KindRouted, at: at, team: p.team.name}
	switch x := p.r.Float64(); {
	case x < 0.05:
		it.itype = schemas.DefaultInteractionType
	case x < 0.25:
		it.itype = oneOf(p.r, interactionTypes)
	}
	p.platform(it)
	p.now = at
}

// assign gives the conversation to the team's operator available soonest
// from from: after a short queue when someone is free, else when the
// first operator logs in. It reports false when nobody ever comes.
func (p *planner) assign(from int64) bool {
	op, sp, ok := p.g.teamNext(p.r, p.team, from, nil)
	if !ok {
		return false
	}
	var at int64
	switch {
	case sp.from > from:
		at = sp.from + p.between(time.Minute, 15*time.Minute)
	case p.chance(0.85):
		at = from + min(max(int64(p.r.ExpFloat64()*70_000), 5_000), 360_000)
	default:
		at = from + p.between(5*time.Minute, 25*time.Minute) // a long queue
	}
	if _, ok := p.g.availableAt(op, at); !ok {
		if op, sp, ok = p.g.teamNext(p.r, p.team, at, nil); !ok {
			return false
		}
		at = sp.from
	}
	it := item{typ: schemas.KindAssigned, at: at, op: op.name}
	if p.chance(0.5) {
		it.team = p.team.name
	}
	p.platform(it)
	p.op, p.assignedAt, p.now = op, at, at
	return true
}

// replyDelay is how long an answer takes: the first response counts from
// the assignment and meets the team's service-level target most of the
// time; later replies count from the customer's message. Some waits pass
// the unanswered threshold.
func (p *planner) replyDelay(first bool) int64 {
	x := p.r.Float64()
	if first {
		target := time.Duration(p.team.target)
		switch {
		case x < 0.62:
			return p.between(15*time.Second, target*9/10)
		case x < 0.9:
			return p.between(target, max(2*target, 12*time.Minute))
		}
		return p.between(16*time.Minute, 45*time.Minute)
	}
	switch {
	case x < 0.75:
		return p.between(20*time.Second, 4*time.Minute)
	case x < 0.92:
		return p.between(4*time.Minute, 14*time.Minute)
	}
	return p.between(16*time.Minute, 50*time.Minute)
}

// answer plans the operator's reply to the open wait. It reports false
// when nobody answers (the case stays to recover, then expires).
func (p *planner) answer(first bool) bool {
	base := max(p.now, p.waitStart)
	if first {
		base = max(p.now, p.assignedAt)
	}
	at := base + p.replyDelay(first)
	p.nudges(at)
	until, ok := p.g.availableAt(p.op, p.now)
	if !ok {
		until = p.now
	}
	threshold := p.t.policy.UnansweredAfter.Milliseconds()
	switch {
	case at > until:
		return p.unavailable(until, at)
	case threshold > 0 && at-p.waitStart > threshold && p.chance(unansweredRescue):
		return p.recover(max(p.waitStart+threshold, p.now) + p.between(time.Minute, 8*time.Minute))
	}
	p.reply(at)
	return true
}

// unavailable: the operator went away or offline at left while the
// customer waits. They come back and answer, a supervisor recovers the
// case, or it waits for them (the next day, maybe).
func (p *planner) unavailable(left, planned int64) bool {
	back, ok := p.g.nextAvail(p.op, left+1)
	switch {
	case ok && back.from-left <= (30*time.Minute).Milliseconds() && p.chance(0.55):
		p.reply(max(planned, back.from+p.between(20*time.Second, 3*time.Minute)))
	case p.chance(0.7):
		return p.recover(max(left, p.now) + p.between(2*time.Minute, 12*time.Minute))
	case ok:
		p.reply(back.from + p.between(time.Minute, 10*time.Minute))
	default:
		return false
	}
	return true
}

// recover: a supervisor takes the case back at at, to an operator free
// then, else to the team's queue, and the new owner answers.
func (p *planner) recover(at int64) bool {
	it := item{typ: schemas.KindRecovered, at: at, op: p.t.supervisor}
	op, sp, ok := p.g.teamNext(p.r, p.team, at, p.op)
	if ok && sp.from == at {
		it.toOp = op.name
		if p.chance(0.3) {
			it.toTeam = p.team.name
		}
		p.platform(it)
		p.op, p.now = op, at
		p.reply(at + p.between(30*time.Second, 4*time.Minute))
		return true
	}
	it.toTeam = p.team.name
	p.platform(it)
	p.op, p.now = nil, at
	if !p.assign(at) {
		return false
	}
	p.reply(p.now + p.between(30*time.Second, 3*time.Minute))
	return true
}

// reply plans an operator's answer at at: the platform's operator.replied
// and the message on the channel (for echoes tenants, the message alone).
func (p *planner) reply(at int64) {
	text := withNumber(p.r, oneOf(p.r, agentReplies))
	if p.t.echoes {
		p.businessMessage(at, byInbox, text)
	} else {
		p.platform(item{typ: schemas.KindOperatorReplied, at: at, op: p.op.name})
		p.businessMessage(at+p.between(200*time.Millisecond, 1500*time.Millisecond), byAgent, text)
	}
	p.waitOpen, p.now = false, at
}

// transfer moves the conversation: to another team's queue, or to a
// colleague free now, else back to the team's queue.
func (p *planner) transfer() bool {
	at := p.now + p.between(20*time.Second, 3*time.Minute)
	it := item{typ: schemas.KindTransferred, at: at, op: p.op.name}
	var others, open []*teamSim
	for _, tm := range p.t.teams {
		if tm != p.team && len(tm.ops) > 0 {
			others = append(others, tm)
			if tm.cal.open(at) {
				open = append(open, tm)
			}
		}
	}
	if len(others) > 0 && p.chance(0.5) {
		if len(open) > 0 {
			others = open
		}
		p.team = others[p.r.IntN(len(others))]
		it.toTeam = p.team.name
		p.platform(it)
		p.op, p.now = nil, at
		return p.assign(at)
	}
	if op, sp, ok := p.g.teamNext(p.r, p.team, at, p.op); ok && sp.from == at {
		it.toOp = op.name
		if p.chance(0.3) {
			it.toTeam = p.team.name
		}
		p.platform(it)
		p.op, p.now = op, at
		return true
	}
	it.toTeam = p.team.name
	p.platform(it)
	p.op, p.now = nil, at
	return p.assign(at)
}

// close ends the conversation: mostly the operator, sometimes the
// platform after the customer went quiet; some stay open.
func (p *planner) close() {
	x := p.r.Float64()
	switch {
	case x < operatorClose:
		at := p.last + p.between(time.Minute, 12*time.Minute)
		p.platform(item{typ: schemas.KindClosed, at: at, op: p.op.name})
		p.returnLater(at)
	case x < operatorClose+platformClose:
		at := p.last + p.between(30*time.Minute, 3*time.Hour)
		p.platform(item{typ: schemas.KindClosed, at: at})
		p.returnLater(at)
	}
}
