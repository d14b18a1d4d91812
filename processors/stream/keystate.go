package stream

import (
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/floorwatch/floorwatch/processors/conversation"
	"github.com/floorwatch/floorwatch/processors/windows"
	"github.com/floorwatch/floorwatch/schemas"
)

// entry is one conversation key owned by a partition (its key is its
// State's). Fields are ordered and sized to keep it at 80 bytes: there is
// one per open conversation.
type entry struct {
	st      *conversation.State
	em      windows.Emitted
	lastNow int64 // clock of the key's last derivation, unix ms
	timer   int64 // next timer, unix ms; 0 = none
	// open is the gauge slot the key's open conversation counts in, at
	// index status; nil when nothing is open.
	open    *gaugeSlot
	size    int32 // bytes of its last changelog value
	slot    int32 // index in the timer heap plus one; 0 = not scheduled
	status  int8
	dirty   bool // in the partition's changelog writes of the open transaction
	pending bool // touched by an event of the open transaction, settled at its end
}

// metaKey is the changelog key of a partition's own record (its clocks);
// conversation keys never start with a zero byte.
const metaKey = "\x00partition"

// changelogVersion is the first byte of every changelog value.
const changelogVersion = 1

// encodeEntry is the changelog value of a key: version byte, emitted
// version and clock (varints), emitted conversations (id, hash, history
// length), then the State's own encoding.
func encodeEntry(tn *conversation.Tenant, e *entry) []byte {
	return appendEntry(nil, tn, e)
}

// appendEntry appends encodeEntry's value to b.
func appendEntry(b []byte, tn *conversation.Tenant, e *entry) []byte {
	b = append(b, changelogVersion)
	b = binary.AppendVarint(b, e.em.Version)
	b = binary.AppendVarint(b, e.lastNow)
	b = binary.AppendUvarint(b, uint64(len(e.em.Convs)))
	for _, c := range e.em.Convs {
		id := c.ID.String()
		b = binary.AppendUvarint(b, uint64(len(id)))
		b = append(b, id...)
		b = binary.BigEndian.AppendUint64(b, c.Hash)
		b = binary.AppendUvarint(b, uint64(c.HistLen))
	}
	return e.st.AppendBinary(tn, b)
}

var errBadChangelog = errors.New("bad changelog value")

// decodeEntry is the inverse of encodeEntry.
func decodeEntry(tn *conversation.Tenant, key schemas.ConversationKey, b []byte) (*entry, error) {
	if len(b) == 0 || b[0] != changelogVersion {
		return nil, fmt.Errorf("%w for %s: unknown version", errBadChangelog, key)
	}
	e := &entry{size: int32(len(b))}
	r := newReader(b[1:])
	e.em.Version = r.varint()
	e.lastNow = r.varint()
	n := r.uvarint()
	for i := uint64(0); i < n && r.ok; i++ {
		id, ok := windows.ParseConvID(string(r.bytes(int(r.uvarint()))))
		r.ok = r.ok && ok
		e.em.Convs = append(e.em.Convs, windows.EmittedConv{ID: id, Hash: r.uint64(), HistLen: int32(r.uvarint())})
	}
	if !r.ok {
		return nil, fmt.Errorf("%w for %s: truncated header", errBadChangelog, key)
	}
	st, err := conversation.DecodeState(tn, key, r.b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	e.st = st
	return e, nil
}

// partitionMeta is a partition's own changelog record: its last
// watermark and each tenant's clock.
type partitionMeta struct {
	watermark int64
	clocks    map[string]int64
	round     int64 // of the last gauge snapshot
}

func (p *partition) meta() partitionMeta {
	m := partitionMeta{watermark: p.written, clocks: make(map[string]int64, len(p.clocks)), round: p.round}
	for tenant, tc := range p.clocks {
		m.clocks[tenant] = tc.now
	}
	return m
}

// metaVersion is the first byte of the partition record: 1 held one clock
// for the whole partition, 2 the watermark and a clock per tenant, 3 adds
// the gauge snapshots' round.
const metaVersion = 3

// encodeMeta writes version, watermark, then each tenant (sorted, so the
// bytes are stable) and its clock.
func encodeMeta(m partitionMeta) []byte {
	b := binary.AppendVarint([]byte{metaVersion}, m.watermark)
	b = binary.AppendUvarint(b, uint64(len(m.clocks)))
	for _, tenant := range slices.Sorted(maps.Keys(m.clocks)) {
		b = binary.AppendUvarint(b, uint64(len(tenant)))
		b = append(b, tenant...)
		b = binary.AppendVarint(b, m.clocks[tenant])
	}
	return binary.AppendVarint(b, m.round)
}

// decodeMeta reads every version; a version 1 record gives the watermark
// only (restore then starts each tenant at its keys' clocks).
func decodeMeta(b []byte) (partitionMeta, error) {
	if len(b) == 0 || b[0] < 1 || b[0] > metaVersion {
		return partitionMeta{}, fmt.Errorf("%w: partition record of unknown version", errBadChangelog)
	}
	r := newReader(b[1:])
	m := partitionMeta{watermark: r.varint(), clocks: map[string]int64{}}
	if b[0] >= 2 {
		n := r.uvarint()
		for i := uint64(0); i < n && r.ok; i++ {
			tenant := string(r.bytes(int(r.uvarint())))
			m.clocks[tenant] = r.varint()
		}
	}
	if b[0] >= 3 {
		m.round = r.varint()
	}
	if !r.ok || len(r.b) != 0 {
		return partitionMeta{}, fmt.Errorf("%w: truncated partition record", errBadChangelog)
	}
	return m, nil
}

// reader reads varints and bytes; ok turns false at the first problem.
type reader struct {
	b  []byte
	ok bool
}

func newReader(b []byte) reader { return reader{b: b, ok: true} }

func (r *reader) fail() { r.ok, r.b = false, nil }

func (r *reader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v > uint64(len(r.b)) {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) uint64() uint64 {
	if len(r.b) < 8 {
		r.fail()
		return 0
	}
	v := binary.BigEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}

func (r *reader) bytes(n int) []byte {
	if n < 0 || n > len(r.b) {
		r.fail()
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}
