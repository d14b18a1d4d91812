package windows

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/floorwatch/floorwatch/processors/conversation"
	"github.com/floorwatch/floorwatch/schemas"
)

// Emitted is what a key's outputs have said so far: the version of its
// latest records and, per conversation, a fingerprint of the row and
// status history last written. The runner keeps it with the key's state
// (in memory and in the changelog, written in the same transaction as
// the records it describes), so a change that the before-view cannot
// show (a late operator-presence event, a restart) is still emitted.
type Emitted struct {
	Version int64
	Convs   []EmittedConv
}

// EmittedConv is the fingerprint of one conversation's last row.
type EmittedConv struct {
	ID      ConvID
	Hash    uint64 // of the row (without version and clock) and history
	HistLen int32  // status-history intervals written
}

// ConvID is a conversation id held in its 16 bytes rather than its 32
// lowercase hex digits (the only form conversation ids take): Emitted is
// kept for every key, so it is half the size of the string and needs no
// allocation of its own.
type ConvID [16]byte

// ParseConvID reads a conversation id; ok is false unless s is 32
// lowercase hex digits.
func ParseConvID(s string) (id ConvID, ok bool) {
	if len(s) != 2*len(id) || strings.ToLower(s) != s {
		return id, false
	}
	_, err := hex.Decode(id[:], []byte(s))
	return id, err == nil
}

// String returns the id as conversations carry it.
func (id ConvID) String() string { return hex.EncodeToString(id[:]) }

// mustConvID is ParseConvID for the ids of derived conversations, which
// are hex by construction (conversation.conversationID).
func mustConvID(s string) ConvID {
	id, ok := ParseConvID(s)
	if !ok {
		panic(fmt.Sprintf("windows: conversation id %q is not 32 lowercase hex digits", s))
	}
	return id
}

func (e *Emitted) find(id ConvID) *EmittedConv {
	for i := range e.Convs {
		if e.Convs[i].ID == id {
			return &e.Convs[i]
		}
	}
	return nil
}

// Keep forgets the conversations whose ids are not in convs, without
// emitting anything: the runner calls it after State.Compact dropped
// conversations that are final.
func (e *Emitted) Keep(convs []conversation.Conversation) {
	kept := e.Convs[:0]
	for _, ec := range e.Convs {
		for i := range convs {
			if mustConvID(convs[i].ID) == ec.ID {
				kept = append(kept, ec)
				break
			}
		}
	}
	e.Convs = kept
}

// fingerprint hashes everything a row and status history say (the
// fields Row copies), leaving out the clock (CompleteUntil), which
// changes without news. FNV-1a, so fingerprints stored in the changelog
// mean the same in every process.
func fingerprint(c *conversation.Conversation) uint64 {
	f := fingerprinter{h: fnvOffset}
	f.str(c.ID, c.InteractionType, c.Team, c.Operator, c.Status, c.RecoverReason, c.ClosedBy)
	f.time(c.OpenedAt, c.RoutedAt, c.AssignedAt, c.AttendedAt, c.FirstResponseAt, c.LastCustomerMessageAt,
		c.WaitStartedAt, c.WindowExpiresAt, c.ClosedAt, c.LastEventAt, c.QueuedSince, c.FirstCustomerMessageAt)
	f.int(int64(len(c.Transfers)))
	f.time(c.Transfers...)
	f.int(int64(len(c.Durations)))
	for _, d := range c.Durations {
		f.str(d.Kind, d.Team, d.Operator)
		f.time(d.EndedAt)
		f.int(d.Ms, d.BusinessMs)
	}
	f.int(int64(len(c.History)))
	for _, iv := range c.History {
		f.str(iv.Status, iv.Reason, iv.InteractionType, iv.Team, iv.Operator)
		f.time(iv.From, iv.To)
		if iv.ByTimer {
			f.int(1)
		}
	}
	return f.h
}

// fingerprinter is FNV-1a, 64 bits (what hash/fnv's New64a computes),
// written out: a fingerprint is taken for every conversation of every
// Diff, and hashing through the hash.Hash interface cost a copy of every
// string hashed.
type fingerprinter struct{ h uint64 }

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func (f *fingerprinter) byte(b byte) { f.h = (f.h ^ uint64(b)) * fnvPrime }

func (f *fingerprinter) int(vs ...int64) {
	for _, v := range vs {
		var buf [binary.MaxVarintLen64]byte
		for _, b := range binary.AppendVarint(buf[:0], v) {
			f.byte(b)
		}
	}
}

// str writes each string with its length, so ("ab","c") ≠ ("a","bc").
func (f *fingerprinter) str(ss ...string) {
	for _, s := range ss {
		f.int(int64(len(s)))
		for i := 0; i < len(s); i++ {
			f.byte(s[i])
		}
	}
}

func (f *fingerprinter) time(ts ...schemas.Time) {
	for _, t := range ts {
		if t.IsZero() {
			f.int(0)
		} else {
			f.int(t.UnixMilli())
		}
	}
}
