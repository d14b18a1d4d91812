package conversation

import (
	"errors"
	"slices"
	"sync"

	"github.com/floorwatch/floorwatch/schemas"
)

// Presence is the operators' status history, fed by operator.status
// events in any order: per (tenant, operator), a time-ordered list of
// statuses. An operator whose status was never reported is available.
// Streaming processors keep one full copy per instance (every instance
// reads the whole operator-status topic); replay keeps one. Safe for
// concurrent use.
type Presence struct {
	mu  sync.RWMutex
	ops map[opKey][]presenceEntry
}

type opKey struct{ tenant, operator string }

type presenceEntry struct {
	at     int64 // unix ms
	id     uint64
	status uint8
}

const (
	presAvailable uint8 = iota
	presAway
	presOffline
)

// NewPresence returns an empty table.
func NewPresence() *Presence { return &Presence{ops: map[opKey][]presenceEntry{}} }

// Apply records an operator.status event. It reports false for a
// duplicate (same event id). An unknown status value is an error.
func (p *Presence) Apply(e *schemas.Event) (bool, error) {
	if e.Kind != schemas.KindOperatorStatus || e.Operator == "" {
		return false, errors.New("presence: want an operator.status event with an operator")
	}
	var st uint8
	switch e.Status {
	case schemas.OperatorAvailable:
		st = presAvailable
	case schemas.OperatorAway:
		st = presAway
	case schemas.OperatorOffline:
		st = presOffline
	default:
		return false, errors.New("presence: unknown operator status " + e.Status)
	}
	ent := presenceEntry{at: e.OccurredAt.UnixMilli(), id: hashID(e.ID), status: st}
	k := opKey{e.Tenant, e.Operator}
	p.mu.Lock()
	defer p.mu.Unlock()
	h := p.ops[k]
	for _, x := range h {
		if x.id == ent.id {
			return false, nil
		}
	}
	i, _ := slices.BinarySearchFunc(h, ent, func(a, b presenceEntry) int {
		if a.at != b.at {
			return cmpInt(a.at, b.at)
		}
		return cmpInt(a.id, b.id)
	})
	p.ops[k] = slices.Insert(h, i, ent)
	return true, nil
}

// Unavailable reports whether operator's latest status at ms is away or
// offline.
func (p *Presence) Unavailable(tenant, operator string, ms int64) bool {
	if p == nil || operator == "" {
		return false
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	h := p.ops[opKey{tenant, operator}]
	i, _ := slices.BinarySearchFunc(h, ms+1, func(e presenceEntry, t int64) int { return cmpInt(e.at, t) })
	return i > 0 && h[i-1].status != presAvailable
}

// nextChange returns the time of operator's first status entry after ms.
func (p *Presence) nextChange(tenant, operator string, ms int64) (int64, bool) {
	if p == nil || operator == "" {
		return 0, false
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	h := p.ops[opKey{tenant, operator}]
	i, _ := slices.BinarySearchFunc(h, ms+1, func(e presenceEntry, t int64) int { return cmpInt(e.at, t) })
	if i < len(h) {
		return h[i].at, true
	}
	return 0, false
}

// Prune forgets entries older than beforeMs, keeping each operator's
// latest entry before it (the status in force at beforeMs).
func (p *Presence) Prune(beforeMs int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for k, h := range p.ops {
		i, _ := slices.BinarySearchFunc(h, beforeMs, func(e presenceEntry, t int64) int { return cmpInt(e.at, t) })
		if i > 1 {
			p.ops[k] = slices.Clone(h[i-1:])
		}
	}
}

func cmpInt[T int64 | uint64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
