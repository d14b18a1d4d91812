package stream

import (
	"github.com/floorwatch/floorwatch/processors/windows"
	"github.com/floorwatch/floorwatch/schemas"
)

// outbox gathers the records of the open transaction, coalesced per key
// (as Kafka Streams' record cache and Flink's mini-batches do): one metric
// delta per segment and minute, the sum of every delta of the
// transaction; one row per conversation and one status change per
// interval, the latest version. Readers sum deltas and keep the latest
// version, so the coalesced records say exactly what the separate ones
// did, with far fewer records to encode, produce and load. Records go out
// in the order their keys were first touched, when the transaction ends
// (drain).
type outbox struct {
	deltas  map[deltaKey]*schemas.MetricDelta
	dorder  []deltaKey
	rows    map[string]*schemas.ConversationRow
	rorder  []string
	changes map[changeKey]*schemas.StatusChange
	corder  []changeKey
}

type deltaKey struct {
	seg    schemas.Segment
	minute int64
}

type changeKey struct {
	conv string
	seq  int32
}

func newOutbox() *outbox {
	return &outbox{deltas: map[deltaKey]*schemas.MetricDelta{}, rows: map[string]*schemas.ConversationRow{},
		changes: map[changeKey]*schemas.StatusChange{}}
}

// add takes one Diff's records.
func (o *outbox) add(recs *windows.Records) {
	for i := range recs.Deltas {
		d := &recs.Deltas[i]
		k := deltaKey{d.Segment, d.Minute.UnixMilli()}
		if cur, ok := o.deltas[k]; ok {
			cur.Merge(d)
			continue
		}
		cp := *d
		o.deltas[k] = &cp
		o.dorder = append(o.dorder, k)
	}
	for i := range recs.Rows {
		r := &recs.Rows[i]
		cur, ok := o.rows[r.ConversationID]
		if !ok {
			o.rorder = append(o.rorder, r.ConversationID)
		}
		if !ok || r.Version >= cur.Version {
			cp := *r
			o.rows[r.ConversationID] = &cp
		}
	}
	for i := range recs.Changes {
		ch := &recs.Changes[i]
		k := changeKey{ch.ConversationID, ch.Seq}
		cur, ok := o.changes[k]
		if !ok {
			o.corder = append(o.corder, k)
		}
		if !ok || ch.Version >= cur.Version {
			cp := *ch
			o.changes[k] = &cp
		}
	}
}

// drain writes every gathered record and empties the outbox. A delta
// whose changes cancelled out is not written.
func (o *outbox) drain(c *core, out emitter) {
	// Each value is its own allocation: the producer keeps it until the
	// broker acknowledged it.
	for _, k := range o.dorder {
		d := o.deltas[k]
		if d.IsZero() {
			continue
		}
		out.emit(c.topics.Metrics, -1, []byte(d.Segment.String()+"|"+d.Minute.String()), d.AppendJSON(make([]byte, 0, 512)))
	}
	for _, id := range o.rorder {
		out.emit(c.topics.Conversations, -1, []byte(id), o.rows[id].AppendJSON(make([]byte, 0, 1024)))
	}
	for _, k := range o.corder {
		out.emit(c.topics.StatusChanges, -1, []byte(k.conv), o.changes[k].AppendJSON(make([]byte, 0, 384)))
	}
	o.reset()
}

// reset drops what was gathered (drained, or the transaction aborted).
func (o *outbox) reset() {
	clear(o.deltas)
	clear(o.rows)
	clear(o.changes)
	o.dorder, o.rorder, o.corder = o.dorder[:0], o.rorder[:0], o.corder[:0]
}
