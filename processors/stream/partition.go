package stream

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/floorwatch/floorwatch/processors/conversation"
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
	// pending are the keys events touched in the open transaction, each
	// with its conversations as they were before its first event: they
	// are derived and diffed once, at the end of the transaction
	// (settlePending), however many events each got.
	pending []*entry
	before  map[*entry][]conversation.Conversation
	// views are derivations' memory, given back once a settle is done
	// with them (views, putViews): every event derives its key twice.
	views [][]conversation.Conversation

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
		byOperator: map[opRef]map[*entry]struct{}{}, gone: map[schemas.ConversationKey]struct{}{},
		before: map[*entry][]conversation.Conversation{}}
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
	var kb [256]byte // the key's bytes on the stack: no allocation per event
	if !bytes.Equal(recordKey, key.AppendTo(kb[:0])) {
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
	if !fresh && !ent.pending {
		before = ent.st.Derive(p.view(), tn, c.presence, time.UnixMilli(ent.lastNow))
	}
	added, err := ent.st.Add(tn, e)
	if err != nil || !added {
		p.putView(before)
		return err
	}
	if fresh {
		p.keys[key] = ent
	}
	if !ent.pending {
		ent.pending = true
		p.pending = append(p.pending, ent)
		p.before[ent] = before
	}
	p.track(ent, key.Tenant, e.Operator, e.ToOperator)
	tc.lastRecord = wall
	if at := c.bound(e.OccurredAt.UnixMilli()); at > tc.now {
		tc.now, p.clockDirty = at, true
	}
	return nil
}

// settlePending derives every key the open transaction's events touched,
// at its tenant's clock, and emits what changed since before its first
// event: the same records, summed, as a derivation after each event would
// give (the fold does not depend on intermediate derivations).
func (p *partition) settlePending(c *core, out emitter) {
	for _, ent := range p.pending {
		ent.pending = false
		key := ent.st.Key()
		if p.keys[key] != ent {
			continue // forgotten since
		}
		tn, err := c.tenant(key.Tenant)
		if err != nil {
			continue // cannot happen: the key exists because its tenant compiled
		}
		p.settle(c, out, tn, key, ent, p.before[ent], max(p.clockOf(key.Tenant).now, ent.lastNow))
		p.compact(c, tn, key, ent)
	}
	clear(p.pending)
	p.pending = p.pending[:0]
	clear(p.before)
}

// settle emits what changed for key between before and its derivation
// at now, and refreshes the key's gauge, presence index and timer.
func (p *partition) settle(c *core, out emitter, tn *conversation.Tenant, key schemas.ConversationKey, ent *entry,
	before []conversation.Conversation, now int64) {
	after, t, ok := ent.st.DeriveNext(p.view(), tn, c.presence, time.UnixMilli(now))
	c.emitRecords(c.diff.Diff(before, after, &ent.em, c.targets))
	ent.lastNow = now
	p.markDirty(ent)
	p.count(ent, openRef(after))
	p.reschedule(tn, ent, after, t, ok)
	p.putView(before)
	p.putView(after)
}

// view returns memory for a derivation (State.Derive's dst).
func (p *partition) view() []conversation.Conversation {
	n := len(p.views)
	if n == 0 {
		return nil
	}
	v := p.views[n-1]
	p.views = p.views[:n-1]
	return v
}

// putView gives back a derivation nothing refers to any more (the
// records made from it own their memory: Conversation.Row).
func (p *partition) putView(v []conversation.Conversation) {
	if cap(v) > 0 && len(p.views) < maxViews {
		p.views = append(p.views, v[:0])
	}
}

// maxViews bounds the derivations' memory a partition keeps: one per key
// an open transaction touches, beyond which they are left to the garbage
// collector.
const maxViews = 1024

// reschedule sets the key's next timer: the core's next status edge while
// a conversation is open (t, when ok), else the moment its closed
// conversations may be compacted away.
func (p *partition) reschedule(tn *conversation.Tenant, ent *entry, convs []conversation.Conversation, t time.Time, ok bool) {
	next := int64(0)
	if ok {
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
