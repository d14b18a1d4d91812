package stream

import (
	"errors"
	"fmt"
	"time"

	"github.com/floorwatch/floorwatch/processors/conversation"
	"github.com/floorwatch/floorwatch/processors/windows"
	"github.com/floorwatch/floorwatch/schemas"
)

// partition is one owned partition of the events topic: its keys, its
// event-time clock, its timers and gauges, and what the open transaction
// must write to the changelog. Used by one goroutine at a time.
type partition struct {
	id   int32
	keys map[schemas.ConversationKey]*entry
	// clocks are the tenants' event-time clocks, each with its timers.
	clocks map[string]*tenantClock
	// idleWall is the wall clock (bounded) the partition last advanced
	// to while idle: the watermark of a partition without tenants.
	idleWall int64
	// lastRecord is the wall time of the partition's last record.
	lastRecord time.Time
	gauges     map[schemas.Segment]*gaugeSlot
	// byOperator indexes keys by (tenant, operator) for every operator
	// their log names, so a presence change re-evaluates those keys.
	byOperator map[opRef]map[*entry]struct{}
	// recheck holds restored keys to re-evaluate at the next tick:
	// presence may have changed while no instance owned the partition.
	recheck []schemas.ConversationKey

	// dirty and gone are the changelog writes of the open transaction:
	// entries to write (each once, marked by entry.dirty) and keys
	// forgotten (a tombstone, unless the key came back).
	dirty      []*entry
	gone       map[schemas.ConversationKey]struct{}
	clockDirty bool  // a tenant clock moved since the changelog last had them
	written    int64 // the last watermark written
	round      int64 // of the last gauge snapshot
	stateBytes int64
}

type opRef struct{ tenant, operator string }

func newPartition(id int32) *partition {
	return &partition{id: id, keys: map[schemas.ConversationKey]*entry{}, clocks: map[string]*tenantClock{},
		gauges:     map[schemas.Segment]*gaugeSlot{},
		byOperator: map[opRef]map[*entry]struct{}{}, gone: map[schemas.ConversationKey]struct{}{}}
}

// errWrongPartition marks an event whose record key is not its conversation key.
var errWrongPartition = errors.New("record key is not the event's conversation key")

// applyEvent folds one event received at wall. An error means the event
// cannot be applied (the caller dead-letters it); the partition is then
// unchanged.
func (p *partition) applyEvent(c *core, out emitter, e *schemas.Event, recordKey []byte, wall time.Time) error {
	if e.Kind == schemas.KindOperatorStatus {
		_, err := c.presence.Apply(e) // also read from the operator-status topic; a copy here is harmless
		return err
	}
	key := e.Key()
	if string(recordKey) != key.String() {
		return fmt.Errorf("%w (%q, want %q)", errWrongPartition, recordKey, key.String())
	}
	tn, err := c.tenant(e.Tenant)
	if err != nil {
		return err
	}
	// A record written before ingest clamped far-future times (or by
	// another writer) gets the same treatment here (SPEC 2.2.1).
	e.ClampFuture(c.maxSkew)
	tc := p.clockOf(key.Tenant)
	ent := p.keys[key]
	fresh := ent == nil
	if fresh {
		ent = &entry{st: conversation.NewState(key), lastNow: tc.now}
	}
	var before []conversation.Conversation
	if !fresh {
		before = ent.st.Derive(tn, c.presence, time.UnixMilli(ent.lastNow))
	}
	added, err := ent.st.Add(tn, e)
	if err != nil || !added {
		return err
	}
	if fresh {
		p.keys[key] = ent
	}
	p.track(ent, key.Tenant, e.Operator, e.ToOperator)
	tc.lastRecord = wall
	if at := c.bound(e.OccurredAt.UnixMilli()); at > tc.now {
		tc.now, p.clockDirty = at, true
	}
	p.settle(c, out, tn, key, ent, before, max(tc.now, ent.lastNow))
	return nil
}

// settle emits what changed for key between before and its derivation
// at now, and refreshes the key's gauge, presence index and timer.
func (p *partition) settle(c *core, out emitter, tn *conversation.Tenant, key schemas.ConversationKey, ent *entry,
	before []conversation.Conversation, now int64) {
	after := ent.st.Derive(tn, c.presence, time.UnixMilli(now))
	recs := windows.Diff(before, after, &ent.em, c.targets)
	c.emitRecords(&recs)
	ent.lastNow = now
	p.markDirty(ent)
	p.count(ent, openRef(after))
	p.reschedule(c, tn, ent, after)
}

// reschedule sets the key's next timer: the core's next status edge while
// a conversation is open, else the moment its closed conversations may be
// compacted away.
func (p *partition) reschedule(c *core, tn *conversation.Tenant, ent *entry, convs []conversation.Conversation) {
	next := int64(0)
	if t, ok := ent.st.NextTimer(tn, c.presence, time.UnixMilli(ent.lastNow)); ok {
		next = t.UnixMilli()
	} else if n := len(convs); n > 0 && !convs[n-1].ClosedAt.IsZero() {
		next = convs[n-1].ClosedAt.UnixMilli() + tn.AutoCloseAfter().Milliseconds() + 1
	}
	p.setTimer(ent.st.Key().Tenant, ent, next)
}

// markDirty queues ent's changelog write in the open transaction.
func (p *partition) markDirty(ent *entry) {
	if !ent.dirty {
		ent.dirty = true
		p.dirty = append(p.dirty, ent)
	}
}

// track indexes ent under the operators its log names; it stays
// indexed until it is forgotten (extra wakes are harmless).
func (p *partition) track(ent *entry, tenant string, operators ...string) {
	for _, op := range operators {
		if op == "" {
			continue
		}
		ref := opRef{tenant, op}
		if p.byOperator[ref] == nil {
			p.byOperator[ref] = map[*entry]struct{}{}
		}
		p.byOperator[ref][ent] = struct{}{}
	}
}

func (p *partition) untrack(ent *entry, tenant string, operators []string) {
	for _, op := range operators {
		ref := opRef{tenant, op}
		delete(p.byOperator[ref], ent)
		if len(p.byOperator[ref]) == 0 {
			delete(p.byOperator, ref)
		}
	}
}
