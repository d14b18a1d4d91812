package stream

import (
	"time"

	"github.com/floorwatch/floorwatch/processors/conversation"
	"github.com/floorwatch/floorwatch/processors/windows"
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
		ent, ok := p.timers.due(p.clock)
		if !ok {
			return
		}
		p.reevaluate(c, out, ent.st.Key(), ent)
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
	if ent.open != nil {
		return
	}
	ops := ent.st.Operators(tn)
	if ent.st.Compact(tn, c.presence, now) {
		p.untrack(ent, key.Tenant, ops)
		p.forget(key, ent)
		return
	}
	convs := ent.st.Derive(tn, c.presence, now)
	ent.em.Keep(convs)
	p.reschedule(c, tn, ent, convs)
}

func (p *partition) forget(key schemas.ConversationKey, ent *entry) {
	p.count(ent, notOpen)
	p.timers.set(ent, 0)
	p.stateBytes -= int64(ent.size)
	delete(p.keys, key)
	p.gone[key] = struct{}{} // a tombstone, unless the key comes back
	// The operator index may still point to ent under operators its log
	// no longer names (wake drops those): keep only its key.
	ent.st, ent.em = conversation.NewState(key), windows.Emitted{}
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
