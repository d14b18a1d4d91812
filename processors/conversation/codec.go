package conversation

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/floorwatch/floorwatch/schemas"
)

// stateCodecVersion is the first byte of an encoded State: 2 adds the
// supervisor actions' targets after the records; 1 is still read.
const stateCodecVersion = 2

// AppendBinary appends the encoding of s's log and horizon to b: the
// processors' changelog value. Names travel as strings (interned ids are
// per process), each once per state. The key is not included: it is the
// changelog record's key. Layout:
//
//	version byte, floor varint, names uvarint + (len uvarint, bytes)...,
//	records uvarint + (at delta varint, h 8 bytes, a uvarint, b uvarint)...,
//	targets uvarint + (record h 8 bytes, conversation id hash 8 bytes)...
func (s *State) AppendBinary(tn *Tenant, b []byte) []byte {
	local := map[uint32]uint64{0: 0}
	var names []string
	idx := func(id uint32) uint64 {
		i, ok := local[id]
		if !ok {
			names = append(names, tn.names.Name(id))
			i = uint64(len(names))
			local[id] = i
		}
		return i
	}
	for _, r := range s.log {
		idx(r.a)
		idx(r.b)
	}
	b = append(b, stateCodecVersion)
	b = binary.AppendVarint(b, s.floor)
	b = binary.AppendUvarint(b, uint64(len(names)))
	for _, n := range names {
		b = binary.AppendUvarint(b, uint64(len(n)))
		b = append(b, n...)
	}
	b = binary.AppendUvarint(b, uint64(len(s.log)))
	var prev int64
	for _, r := range s.log {
		b = binary.AppendVarint(b, r.at-prev)
		prev = r.at
		b = binary.BigEndian.AppendUint64(b, r.h)
		b = binary.AppendUvarint(b, local[r.a])
		b = binary.AppendUvarint(b, local[r.b])
	}
	b = binary.AppendUvarint(b, uint64(len(s.targets)))
	for _, r := range s.log { // log order: the bytes are stable
		if t, ok := s.targets[r.h]; ok {
			b = binary.BigEndian.AppendUint64(b, r.h)
			b = binary.BigEndian.AppendUint64(b, t)
		}
	}
	return b
}

// errCorrupt is wrapped by every decoding failure.
var errCorrupt = errors.New("corrupt conversation state")

// DecodeState decodes an AppendBinary encoding as the state of key,
// interning its names in tn.
func DecodeState(tn *Tenant, key schemas.ConversationKey, b []byte) (*State, error) {
	d := decoder{b: b}
	v := d.byte()
	if v != 1 && v != stateCodecVersion {
		return nil, fmt.Errorf("%w: version %d, this build reads 1 and %d", errCorrupt, v, stateCodecVersion)
	}
	s := &State{key: key, floor: d.varint()}
	ids := []uint32{0}
	for n := d.count(); n > 0 && d.err == nil; n-- {
		ids = append(ids, tn.names.ID(string(d.bytes(d.count()))))
	}
	n := d.count()
	if d.err == nil {
		s.log = make([]record, 0, n)
	}
	var at int64
	for ; n > 0 && d.err == nil; n-- {
		at += d.varint()
		r := record{at: at, h: d.uint64()}
		r.a, r.b = d.name(ids), d.name(ids)
		s.log = append(s.log, r)
	}
	if v >= 2 {
		d.targets(s)
	}
	if d.err == nil && len(d.b) != 0 {
		d.err = fmt.Errorf("%w: %d trailing bytes", errCorrupt, len(d.b))
	}
	if d.err == nil && !slices.IsSortedFunc(s.log, record.compare) {
		d.err = fmt.Errorf("%w: log out of order", errCorrupt)
	}
	if d.err != nil {
		return nil, d.err
	}
	return s, nil
}

// targets reads the supervisor actions' targets; each must name a
// supervisor record of the log.
func (d *decoder) targets(s *State) {
	n := d.count()
	for ; n > 0 && d.err == nil; n-- {
		h, t := d.uint64(), d.uint64()
		if d.err == nil && !slices.ContainsFunc(s.log, func(r record) bool { return r.h == h && r.kind().supervisor() }) {
			d.fail("supervisor action target")
		}
		if s.targets == nil {
			s.targets = map[uint64]uint64{}
		}
		s.targets[h] = t
	}
}

// decoder reads a byte slice, keeping the first error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: bad %s", errCorrupt, what)
	}
	d.b = nil
}

func (d *decoder) byte() byte {
	if len(d.b) < 1 {
		d.fail("version")
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a length, refusing one longer than the bytes left.
func (d *decoder) count() int {
	v, n := binary.Uvarint(d.b)
	if n <= 0 || v > uint64(len(d.b)) {
		d.fail("length")
		return 0
	}
	d.b = d.b[n:]
	return int(v)
}

func (d *decoder) bytes(n int) []byte {
	if len(d.b) < n {
		d.fail("string")
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) uint64() uint64 {
	if len(d.b) < 8 {
		d.fail("event id hash")
		return 0
	}
	v := binary.BigEndian.Uint64(d.b)
	d.b = d.b[8:]
	return v
}

func (d *decoder) name(ids []uint32) uint32 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 || v >= uint64(len(ids)) {
		d.fail("name index")
		return 0
	}
	d.b = d.b[n:]
	return ids[v]
}
