package stream

import (
	"slices"
	"strconv"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// flush writes the open transaction's changelog records (every key that
// changed, a tombstone for a forgotten one, the partition's clock) and
// the watermark when the clock moved. The runner calls it last, just
// before committing.
func (p *partition) flush(c *core, out emitter, wall time.Time) {
	topic := c.topics.State
	for _, ent := range p.dirty {
		ent.dirty = false
		key := ent.st.Key()
		if p.keys[key] != ent {
			continue // forgotten since: its key is in gone
		}
		delete(p.gone, key) // forgotten, then back: the value replaces the tombstone
		tn, err := c.tenant(key.Tenant)
		if err != nil {
			continue // cannot happen: the key exists because its tenant compiled
		}
		k, b := c.box.encode(key.AppendTo, func(b []byte) []byte { return appendEntry(b, tn, ent) })
		p.stateBytes += int64(len(b)) - int64(ent.size)
		ent.size = int32(len(b))
		out.emit(topic, p.id, k, b)
	}
	clear(p.dirty)
	p.dirty = p.dirty[:0]
	for key := range p.gone {
		out.emit(topic, p.id, []byte(key.String()), nil)
	}
	clear(p.gone)
	if wm := p.watermark(); wm != p.written {
		w := schemas.Watermark{V: 1, Topic: c.topics.Events, Partition: p.id,
			CompleteUntil: schemas.UnixMilli(wm), At: schemas.At(wall)}
		c.emitJSON(out, c.topics.Watermarks, strconv.Itoa(int(p.id)), &w)
		p.written, p.clockDirty = wm, true
	}
	if p.clockDirty {
		out.emit(topic, p.id, []byte(metaKey), encodeMeta(p.meta()))
		p.clockDirty = false
	}
}

// load applies one changelog record during restore; a nil value is a
// tombstone.
func (p *partition) load(c *core, key, value []byte) error {
	if string(key) == metaKey {
		m, err := decodeMeta(value)
		if err == nil {
			p.written, p.round = m.watermark, m.round
			for tenant, now := range m.clocks {
				p.clockOf(tenant).now = now
			}
		}
		return err
	}
	k, ok := schemas.ParseConversationKey(string(key))
	if !ok {
		return nil // not ours; nothing else writes this topic
	}
	if value == nil {
		delete(p.keys, k)
		return nil
	}
	tn, err := c.tenant(k.Tenant)
	if err != nil {
		return err
	}
	ent, err := decodeEntry(tn, k, value)
	if err != nil {
		return err
	}
	p.keys[k] = ent
	return nil
}

// restored rebuilds what is derived from the loaded keys: gauges, the
// presence index, timers and the state size. Clocks and derivations that a
// far-future timestamp pushed past the wall clock plus the skew (before
// clocks were bounded) are brought back within it, so their conversations
// are derived again at a true time.
func (p *partition) restored(c *core, wall time.Time) {
	c.setWall(wall)
	p.lastRecord = wall
	p.written = c.bound(p.written)
	for _, tc := range p.clocks {
		tc.now, tc.lastRecord = c.bound(tc.now), wall
	}
	for key, ent := range p.keys {
		tn, err := c.tenant(key.Tenant)
		if err != nil {
			continue
		}
		ent.lastNow = c.bound(ent.lastNow)
		if tc := p.clockOf(key.Tenant); tc.now < ent.lastNow {
			tc.now, tc.lastRecord = ent.lastNow, wall // a changelog written before clocks were per tenant
		}
		convs, t, ok := ent.st.DeriveNext(p.view(), tn, c.presence, time.UnixMilli(ent.lastNow))
		p.count(ent, openRef(convs))
		ops := ent.st.Operators(tn)
		p.track(ent, key.Tenant, ops...)
		if slices.ContainsFunc(ops, func(op string) bool { return c.presence.Reported(key.Tenant, op) }) {
			p.recheck = append(p.recheck, key)
		}
		p.stateBytes += int64(ent.size)
		p.reschedule(tn, ent, convs, t, ok)
		p.putView(convs)
	}
}
