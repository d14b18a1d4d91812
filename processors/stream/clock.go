package stream

import (
	"time"

	"github.com/floorwatch/floorwatch/processors/conversation"
	"github.com/floorwatch/floorwatch/schemas"
)

// advance moves the clock forward to ms (never back) and fires every
// timer due by then.
func (p *partition) advance(c *core, out emitter, ms int64) {
	if ms > p.clock {
		p.clock, p.clockDirty = ms, true
	}
	p.fireDue(c, out)
}

// fireDue re-evaluates every key whose timer is at or before the clock.
func (p *partition) fireDue(c *core, out emitter) {
	for {
		t, ok := p.timers.due(p.clock)
		if !ok {
			return
		}
		ent := p.keys[t.key]
		if ent == nil || ent.timer != t.at {
			continue // stale: the key was rescheduled or forgotten
		}
		ent.timer = 0
		p.reevaluate(c, out, t.key, ent)
	}
}

// reevaluate derives key at the clock, emits what changed since its last
// derivation, and compacts what is final.
func (p *partition) reevaluate(c *core, out emitter, key schemas.ConversationKey, ent *entry) {
	tn, err := c.tenant(key.Tenant)
	if err != nil {
		return // the tenant compiled when its first event came; config cannot change while running
	}
	before := ent.st.Derive(tn, c.presence, time.UnixMilli(ent.lastNow))
	p.settle(c, out, tn, key, ent, before, max(p.clock, ent.lastNow))
	p.compact(c, tn, key, ent)
}

// compact drops conversations closed longer than the idle-close delay
// ago; a key left empty is forgotten (a tombstone goes to the changelog).
func (p *partition) compact(c *core, tn *conversation.Tenant, key schemas.ConversationKey, ent *entry) {
	now := time.UnixMilli(ent.lastNow)
	if ent.open.status >= 0 {
		return
	}
	ops := ent.st.Operators(tn)
	if ent.st.Compact(tn, c.presence, now) {
		p.untrack(key, key.Tenant, ops)
		p.forget(key, ent)
		return
	}
	convs := ent.st.Derive(tn, c.presence, now)
	ent.em.Keep(convs)
	p.reschedule(c, tn, key, ent, convs)
}

func (p *partition) forget(key schemas.ConversationKey, ent *entry) {
	p.count(ent.open, gaugeRef{status: -1})
	p.stateBytes -= int64(ent.size)
	delete(p.keys, key)
	p.dirty[key] = struct{}{} // a missing entry writes a tombstone
}

// wake re-evaluates the open conversations assigned to an operator whose
// presence changed.
func (p *partition) wake(c *core, out emitter, tenant, operator string) {
	for key := range p.byOperator[opRef{tenant, operator}] {
		if ent := p.keys[key]; ent != nil {
			p.reevaluate(c, out, key, ent)
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
