package conversation

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// ErrTooLate is returned for an event older than what the State still
// holds: the conversation it belongs to was closed longer than the
// idle-close horizon ago and compacted away. Callers dead-letter it.
var ErrTooLate = errors.New("event is older than the conversation state kept for its key")

// ErrNotApplicable is returned for a supervisor's action that names no
// conversation of the key open when it occurred (closed since, or an
// older one of the same customer): it is never applied to another one.
// Callers count and dead-letter it.
var ErrNotApplicable = errors.New("supervisor action names no conversation open at its time")

// State is the state of one conversation key: the compact log of every
// event the fold needs, sorted by occurred_at (then kind, then id hash),
// deduplicated by event id, and bounded by Compact. Conversations are
// derived from it on demand, so events may arrive in any order and a late
// one re-folds the key. A State is not safe for concurrent use: each key
// belongs to one goroutine (its Kafka partition's).
type State struct {
	key   schemas.ConversationKey
	log   []record
	floor int64 // events before it were compacted away (unix ms)
	// targets maps each supervisor action's record hash to the hash of
	// the conversation id it names; nil while there is none.
	targets map[uint64]uint64
}

// NewState returns the empty state of key.
func NewState(key schemas.ConversationKey) *State { return &State{key: key} }

// Key returns the state's conversation key.
func (s *State) Key() schemas.ConversationKey { return s.key }

// Len returns how many events the log holds.
func (s *State) Len() int { return len(s.log) }

// Add inserts e in the log. It reports false, and changes nothing, for a
// duplicate or an event that carries nothing for the state (see encode).
// An event of another key, without a time, or older than the compacted
// horizon is an error.
func (s *State) Add(tn *Tenant, e *schemas.Event) (bool, error) {
	if e.Key() != s.key {
		return false, fmt.Errorf("event %s is for key %s, not %s", e.ID, e.Key(), s.key)
	}
	if e.OccurredAt.UnixMilli() <= 0 {
		return false, fmt.Errorf("event %s has no occurred_at after 1970", e.ID)
	}
	rec, ok := encode(tn, e)
	if !ok {
		return false, nil
	}
	if rec.at < s.floor {
		return false, fmt.Errorf("event %s at %s: %w", e.ID, e.OccurredAt, ErrTooLate)
	}
	for i := range s.log {
		if s.log[i].h == rec.h {
			return false, nil
		}
	}
	if rec.kind().supervisor() {
		if e.ConversationID == "" {
			return false, fmt.Errorf("supervisor action %s names no conversation_id", e.ID)
		}
		return s.addAction(tn, rec, hashID(e.ConversationID), e)
	}
	s.insert(rec)
	return true, nil
}

// addAction inserts a supervisor's action and keeps it only if it applies:
// it names the conversation open at its time.
func (s *State) addAction(tn *Tenant, rec record, target uint64, e *schemas.Event) (bool, error) {
	if s.targets == nil {
		s.targets = map[uint64]uint64{}
	}
	s.targets[rec.h] = target
	s.insert(rec)
	// Whether it applies depends on the conversations' bounds only
	// (openings, closes, idle closes), never on presence.
	f := s.fold(tn, NewPresence(), rec.at)
	defer f.release()
	if slices.Contains(f.skipped, rec.h) {
		i := slices.IndexFunc(s.log, func(r record) bool { return r.h == rec.h })
		s.log = slices.Delete(s.log, i, i+1)
		delete(s.targets, rec.h)
		if len(s.targets) == 0 {
			s.targets = nil
		}
		return false, fmt.Errorf("event %s for conversation %s: %w", e.ID, e.ConversationID, ErrNotApplicable)
	}
	return true, nil
}

// insert puts rec at its place in the sorted log.
func (s *State) insert(rec record) {
	i, _ := slices.BinarySearchFunc(s.log, rec, record.compare)
	if len(s.log) == cap(s.log) {
		// Grow by a quarter, not double: logs are short and there are
		// millions of them.
		grown := make([]record, len(s.log), len(s.log)+max(2, len(s.log)/4))
		copy(grown, s.log)
		s.log = grown
	}
	s.log = slices.Insert(s.log, i, rec)
}

// Update is the effect of one event: every conversation of the key before
// and after it, both evaluated at the same clock, so a caller emits what
// changed (durations, counts, statuses). A late event may change an
// earlier conversation, merge two, or move an opening, which changes the
// conversation id: ids present in Before and absent from After are
// retracted.
type Update struct {
	Changed       bool // false for a duplicate or an ignored event
	Before, After []Conversation
}

// Apply adds e and derives the key's conversations before and after it,
// at clock now (see Derive).
func (s *State) Apply(tn *Tenant, pr *Presence, e *schemas.Event, now time.Time) (Update, error) {
	before := s.Derive(nil, tn, pr, now)
	added, err := s.Add(tn, e)
	if err != nil || !added {
		return Update{Before: before, After: before}, err
	}
	return Update{Changed: true, Before: before, After: s.Derive(nil, tn, pr, now)}, nil
}

// fold runs the log through the state machine up to clock now. The
// caller releases the folder once done with it.
func (s *State) fold(tn *Tenant, pr *Presence, now int64) *folder {
	f := newFolder(tn, pr, s.key, s.targets)
	for i, rec := range s.log {
		f.step(i, rec)
	}
	if r := f.cur(); r != nil && now > r.lastEventAt {
		f.advance(r, now)
	}
	return f
}

// Derive returns every conversation of the key, oldest first, as of the
// clock now: timers (unanswered threshold, window expiry, business-hours
// edges, operator presence, idle close) due at or before now have fired.
// now should not be before the latest event. The conversations are
// written into dst's memory, its slices' included (nil: new memory); the
// caller is done with what dst held.
func (s *State) Derive(dst []Conversation, tn *Tenant, pr *Presence, now time.Time) []Conversation {
	ms := now.UnixMilli()
	f := s.fold(tn, pr, ms)
	defer f.release()
	return f.views(dst, s.key, ms)
}

// DeriveNext is Derive and NextTimer from one fold of the log: the
// processors need both after every change.
func (s *State) DeriveNext(dst []Conversation, tn *Tenant, pr *Presence, now time.Time) ([]Conversation, time.Time, bool) {
	ms := now.UnixMilli()
	f := s.fold(tn, pr, ms)
	defer f.release()
	out := f.views(dst, s.key, ms)
	r := f.cur()
	if r == nil {
		return out, time.Time{}, false
	}
	e := f.nextEdge(r, max(ms, r.lastEventAt))
	if e == math.MaxInt64 {
		return out, time.Time{}, false
	}
	return out, msTime(e), true
}

// NextTimer returns when the open conversation's status may next change
// without an event (threshold, expiry, business hours, presence, idle
// close), so a streaming caller re-evaluates then; false when nothing is
// open.
func (s *State) NextTimer(tn *Tenant, pr *Presence, now time.Time) (time.Time, bool) {
	ms := now.UnixMilli()
	f := s.fold(tn, pr, ms)
	defer f.release()
	r := f.cur()
	if r == nil {
		return time.Time{}, false
	}
	e := f.nextEdge(r, max(ms, r.lastEventAt))
	if e == math.MaxInt64 {
		return time.Time{}, false
	}
	return msTime(e), true
}

// Compact drops the conversations that closed more than the idle-close
// horizon before now, and reports whether the log is then empty (the
// caller may forget the key). Events older than the dropped closes are
// refused from then on with ErrTooLate.
func (s *State) Compact(tn *Tenant, pr *Presence, now time.Time) bool {
	ms := now.UnixMilli()
	f := s.fold(tn, pr, ms)
	defer f.release()
	cut := -1
	for i, r := range f.runs {
		if r.closed && r.closedAt+tn.autoClose < ms {
			s.floor = r.closedAt + 1
			cut = len(s.log)
			if i+1 < len(f.runs) {
				cut = f.runs[i+1].start
			}
		}
	}
	if cut > 0 {
		for _, r := range s.log[:cut] {
			delete(s.targets, r.h)
		}
		s.log = slices.Clone(s.log[cut:])
	}
	if len(s.targets) == 0 {
		s.targets = nil
	}
	return len(s.log) == 0
}
