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
	for key := range p.dirty {
		k := []byte(key.String())
		ent := p.keys[key]
		if ent == nil {
			out.emit(topic, p.id, k, nil)
			continue
		}
		tn, err := c.tenant(key.Tenant)
		if err != nil {
			continue // cannot happen: the key exists because its tenant compiled
		}
		b := encodeEntry(tn, ent)
		p.stateBytes += int64(len(b) - ent.size)
		ent.size = len(b)
		out.emit(topic, p.id, k, b)
	}
	clear(p.dirty)
	if p.clockDirty {
		out.emit(topic, p.id, []byte(metaKey), encodeMeta(p.clock))
		p.clockDirty = false
	}
	if p.clock != p.written {
		wm := schemas.Watermark{V: 1, Topic: c.topics.Events, Partition: p.id,
			CompleteUntil: schemas.UnixMilli(p.clock), At: schemas.At(wall)}
		c.emitJSON(out, c.topics.Watermarks, strconv.Itoa(int(p.id)), &wm)
		p.written = p.clock
	}
}

// load applies one changelog record during restore; a nil value is a
// tombstone.
func (p *partition) load(c *core, key, value []byte) error {
	if string(key) == metaKey {
		clock, err := decodeMeta(value)
		if err == nil {
			p.clock, p.written = clock, clock
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
// presence index, timers and the state size.
func (p *partition) restored(c *core, wall time.Time) {
	p.lastRecord = wall
	for key, ent := range p.keys {
		tn, err := c.tenant(key.Tenant)
		if err != nil {
			continue
		}
		convs := ent.st.Derive(tn, c.presence, time.UnixMilli(ent.lastNow))
		cur := openRef(convs)
		p.count(gaugeRef{status: -1}, cur)
		ent.open = cur
		ops := ent.st.Operators(tn)
		p.track(key, key.Tenant, ops...)
		if slices.ContainsFunc(ops, func(op string) bool { return c.presence.Reported(key.Tenant, op) }) {
			p.recheck = append(p.recheck, key)
		}
		p.stateBytes += int64(ent.size)
		p.reschedule(c, tn, key, ent, convs)
	}
}
