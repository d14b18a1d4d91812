package stream

import (
	"time"

	"github.com/floorwatch/floorwatch/processors/conversation"
	"github.com/floorwatch/floorwatch/processors/windows"
	"github.com/floorwatch/floorwatch/schemas"
)

// tenantClock is one tenant's event-time clock on one partition (SPEC
// 2.2.1): the greatest occurred_at of the tenant's events there, never
// ahead of the wall clock plus the allowed skew, moved to the wall clock
// when the tenant has had no event on the partition for IdleAdvance. Only
// the tenant's own keys are derived at it and only its own timers fire by
// it, so one tenant's timestamps never fire, delay or change another
// tenant's timers or conversations.
type tenantClock struct {
	now int64 // unix ms
	// lastRecord is the wall time of the tenant's last event here.
	lastRecord time.Time
	timers     timerHeap
}

// clockOf returns tenant's clock on the partition, creating it (at 0:
// the first event or idle advance sets it) when the tenant is new here.
func (p *partition) clockOf(tenant string) *tenantClock {
	tc := p.clocks[tenant]
	if tc == nil {
		tc = &tenantClock{}
		p.clocks[tenant] = tc
	}
	return tc
}

// moveClock moves tc forward to ms (never back), bounded by the core's
// ceiling (wall clock plus skew), and fires every timer of the tenant due
// by then.
func (p *partition) moveClock(c *core, out emitter, tenant string, tc *tenantClock, ms int64) {
	ms = c.bound(ms)
	if ms > tc.now {
		tc.now, p.clockDirty = ms, true
	}
	p.fireDueOf(c, out, tc)
}

// advance moves every tenant's clock on the partition to ms (tests and
// idle partitions: the wall clock) and fires what is due.
func (p *partition) advance(c *core, out emitter, ms int64) {
	for tenant, tc := range p.clocks {
		p.moveClock(c, out, tenant, tc, ms)
	}
	p.idleWall = max(p.idleWall, c.bound(ms))
}

// idle moves the clock of every tenant without an event on the partition
// for at least d to the wall clock, so a quiet tenant's timers still fire.
func (p *partition) idle(c *core, out emitter, wall time.Time, d time.Duration) {
	for tenant, tc := range p.clocks {
		if wall.Sub(tc.lastRecord) >= d {
			p.moveClock(c, out, tenant, tc, wall.UnixMilli())
		}
	}
	if wall.Sub(p.lastRecord) >= d {
		p.idleWall = max(p.idleWall, c.bound(wall.UnixMilli()))
	}
}

// fireDue re-evaluates every key whose timer is at or before its tenant's clock.
func (p *partition) fireDue(c *core, out emitter) {
	for _, tc := range p.clocks {
		p.fireDueOf(c, out, tc)
	}
}

func (p *partition) fireDueOf(c *core, out emitter, tc *tenantClock) {
	for {
		ent, ok := tc.timers.due(tc.now)
		if !ok {
			return
		}
		p.reevaluate(c, out, ent.st.Key(), ent)
	}
}

// watermark is the event time up to which the partition's outputs are
// complete: the slowest tenant clock, or the wall clock (bounded) of an
// idle partition without tenants; it never moves back.
func (p *partition) watermark() int64 {
	lo := int64(0)
	for _, tc := range p.clocks {
		if lo == 0 || tc.now < lo {
			lo = tc.now
		}
	}
	if lo == 0 {
		lo = p.idleWall
	}
	return max(p.written, lo)
}

// reevaluate derives key at its tenant's clock, emits what changed since
// its last derivation, and compacts what is final.
func (p *partition) reevaluate(c *core, out emitter, key schemas.ConversationKey, ent *entry) {
	if ent.pending {
		return // touched by the open transaction: settled at its end, at the latest clock
	}
	tn, err := c.tenant(key.Tenant)
	if err != nil {
		return // the tenant compiled when its first event came; config cannot change while running
	}
	before := ent.st.Derive(p.view(), tn, c.presence, time.UnixMilli(ent.lastNow))
	p.settle(c, out, tn, key, ent, before, max(p.clockOf(key.Tenant).now, ent.lastNow))
	p.compact(c, tn, key, ent)
}

// compact drops conversations closed longer than the idle-close delay
// ago; a key left empty is forgotten (a tombstone goes to the changelog).
func (p *partition) compact(c *core, tn *conversation.Tenant, key schemas.ConversationKey, ent *entry) {
	now := time.UnixMilli(ent.lastNow)
	if ent.open != nil {
		return
	}
	ops := ent.st.Operators(tn)
	if ent.st.Compact(tn, c.presence, now) {
		p.untrack(ent, key.Tenant, ops)
		p.forget(key, ent)
		return
	}
	convs, t, ok := ent.st.DeriveNext(p.view(), tn, c.presence, now)
	ent.em.Keep(convs)
	p.reschedule(tn, ent, convs, t, ok)
	p.putView(convs)
}

func (p *partition) forget(key schemas.ConversationKey, ent *entry) {
	p.count(ent, notOpen)
	p.setTimer(key.Tenant, ent, 0)
	p.stateBytes -= int64(ent.size)
	delete(p.keys, key)
	p.gone[key] = struct{}{} // a tombstone, unless the key comes back
	// The operator index may still point to ent under operators its log
	// no longer names (wake drops those): keep only its key.
	ent.st, ent.em = conversation.NewState(key), windows.Emitted{}
}

// setTimer makes at (unix ms; 0 = none) ent's next timer, in its tenant's heap.
func (p *partition) setTimer(tenant string, ent *entry, at int64) {
	if at != ent.timer {
		p.clockOf(tenant).timers.set(ent, at)
	}
}

// wake re-evaluates the open conversations assigned to an operator whose
// presence changed.
func (p *partition) wake(c *core, out emitter, tenant, operator string) {
	ref := opRef{tenant, operator}
	for ent := range p.byOperator[ref] {
		if key := ent.st.Key(); p.keys[key] == ent {
			p.reevaluate(c, out, key, ent)
		} else {
			delete(p.byOperator[ref], ent) // forgotten under operators its log no longer named
		}
	}
}

// rechecks re-evaluates the keys restore queued.
func (p *partition) rechecks(c *core, out emitter) {
	for _, key := range p.recheck {
		if ent := p.keys[key]; ent != nil {
			p.reevaluate(c, out, key, ent)
		}
	}
	p.recheck = nil
}
