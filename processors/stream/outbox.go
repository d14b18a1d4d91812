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
	// The records are kept by value in slices that every transaction
	// reuses, found through maps of their indexes, in the order their
	// keys were first touched: no allocation per record once warm.
	deltas  []schemas.MetricDelta
	dindex  map[deltaKey]int
	rows    []schemas.ConversationRow
	rindex  map[string]int
	changes []schemas.StatusChange
	cindex  map[changeKey]int
	// buf holds the encoded keys and values of a drain, many to an
	// allocation (arena); a chunk lives until the producer released every
	// record in it (released).
	buf    []byte
	chunks recycler[byte]
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
	return &outbox{dindex: map[deltaKey]int{}, rindex: map[string]int{}, cindex: map[changeKey]int{},
		chunks: recycler[byte]{size: arenaChunk, keep: 64}}
}

// add takes one Diff's records.
func (o *outbox) add(recs *windows.Records) {
	for i := range recs.Deltas {
		d := &recs.Deltas[i]
		k := deltaKey{d.Segment, d.Minute.UnixMilli()}
		if j, ok := o.dindex[k]; ok {
			o.deltas[j].Merge(d)
			d.Release() // the Differ's record is not read again
			continue
		}
		o.dindex[k] = len(o.deltas)
		o.deltas = append(o.deltas, *d)
	}
	for i := range recs.Rows {
		r := &recs.Rows[i]
		j, ok := o.rindex[r.ConversationID]
		if !ok {
			o.rindex[r.ConversationID] = len(o.rows)
			o.rows = append(o.rows, *r)
		} else if r.Version >= o.rows[j].Version {
			o.rows[j] = *r
		}
	}
	for i := range recs.Changes {
		ch := &recs.Changes[i]
		k := changeKey{ch.ConversationID, ch.Seq}
		j, ok := o.cindex[k]
		if !ok {
			o.cindex[k] = len(o.changes)
			o.changes = append(o.changes, *ch)
		} else if ch.Version >= o.changes[j].Version {
			o.changes[j] = *ch
		}
	}
}

// arenaChunk is the size of one allocation of o.buf: a few hundred
// records.
const arenaChunk = 256 << 10

// arenaRoom is the room a chunk must have left for the next record to be
// encoded into it; with less, a new chunk starts. Records are a few KB.
const arenaRoom = 16 << 10

// encode returns a record's key and value, written into the arena, each
// capped so that nothing appended later can write over it. A record
// larger than what is left of the chunk (rare: more than arenaRoom) ends
// up in memory of its own, and the chunk goes on as it was.
func (o *outbox) encode(appendKey, appendValue func([]byte) []byte) (key, value []byte) {
	if cap(o.buf)-len(o.buf) < arenaRoom {
		o.buf = o.chunks.get(arenaChunk)
	}
	start := len(o.buf)
	b := appendKey(o.buf)
	k := len(b)
	b = appendValue(b)
	n := len(b)
	if cap(b) == cap(o.buf) { // still the chunk: append grows only by moving
		o.buf = b
	}
	return b[start:k:k], b[k:n:n]
}

// drain writes every gathered record and empties the outbox. A delta
// whose changes cancelled out is not written.
func (o *outbox) drain(c *core, out emitter) {
	for i := range o.deltas {
		d := &o.deltas[i]
		if d.IsZero() {
			continue
		}
		key, value := o.encode(func(b []byte) []byte {
			return d.Minute.AppendTo(append(d.Segment.AppendTo(b), '|'))
		}, d.AppendJSON)
		out.emit(c.topics.Metrics, -1, key, value)
	}
	for i := range o.rows {
		r := &o.rows[i]
		key, value := o.encode(func(b []byte) []byte { return append(b, r.ConversationID...) }, r.AppendJSON)
		out.emit(c.topics.Conversations, -1, key, value)
	}
	for i := range o.changes {
		ch := &o.changes[i]
		key, value := o.encode(func(b []byte) []byte { return append(b, ch.ConversationID...) }, ch.AppendJSON)
		out.emit(c.topics.StatusChanges, -1, key, value)
	}
	o.reset()
}

// released says that the producer holds none of the drained records any
// more: their chunks serve the next transactions.
func (o *outbox) released() {
	o.chunks.release()
	o.buf = nil
}

// reset drops what was gathered (drained, or the transaction aborted).
func (o *outbox) reset() {
	clear(o.dindex)
	clear(o.rindex)
	clear(o.cindex)
	// Zeroed so that the strings and maps of this transaction's records
	// are not kept alive by the next one's spare capacity; the deltas'
	// maps serve the next ones.
	for i := range o.deltas {
		o.deltas[i].Release()
	}
	clear(o.deltas)
	clear(o.rows)
	clear(o.changes)
	o.deltas, o.rows, o.changes = o.deltas[:0], o.rows[:0], o.changes[:0]
}
