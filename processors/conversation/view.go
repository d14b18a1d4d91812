package conversation

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// Conversation is the derived view of one conversation as of a clock: the
// segment values, status, every timestamp and duration, the transfers and
// the status history. A zero Time means unset.
type Conversation struct {
	// ID is assigned when the conversation opens: a hash of the key and of
	// the opening event (its id and time), so replay and streaming agree.
	ID              string
	Key             schemas.ConversationKey
	InteractionType string
	Team            string
	Operator        string
	Status          string
	RecoverReason   string

	OpenedAt               schemas.Time
	RoutedAt               schemas.Time
	AssignedAt             schemas.Time
	AttendedAt             schemas.Time
	FirstResponseAt        schemas.Time
	LastCustomerMessageAt  schemas.Time
	FirstCustomerMessageAt schemas.Time
	WaitStartedAt          schemas.Time // of the open customer wait
	QueuedSince            schemas.Time // since when it waits in its current queue (no operator); zero otherwise
	WindowExpiresAt        schemas.Time
	ClosedAt               schemas.Time
	ClosedBy               string // closing operator, ClosedBySystem, or "" for a platform close
	LastEventAt            schemas.Time

	Transfers []schemas.Time
	Durations []schemas.DurationRecord
	// History is the status over time, oldest first; the last interval's
	// To is zero while it holds. Intervals are contiguous.
	History []Interval
	// CompleteUntil is the clock the view was evaluated at.
	CompleteUntil schemas.Time
}

// Interval is one status held over [From, To) in one segment (the
// conversation's interaction type, team and operator then).
type Interval struct {
	Status          string       `json:"status"`
	Reason          string       `json:"reason,omitempty"`
	InteractionType string       `json:"interaction_type"`
	Team            string       `json:"team,omitempty"`
	Operator        string       `json:"operator,omitempty"`
	From            schemas.Time `json:"from"`
	To              schemas.Time `json:"to"`
	// ByTimer: a timer started it, not an event (see schemas.StatusChange).
	ByTimer bool `json:"by_timer,omitempty"`
}

// StatusAt returns the status and reason at t from the history, or ""
// before the conversation opened.
func (c *Conversation) StatusAt(t time.Time) (string, string) {
	for i := len(c.History) - 1; i >= 0; i-- {
		if !t.Before(c.History[i].From.Time) {
			return c.History[i].Status, c.History[i].Reason
		}
	}
	return "", ""
}

func ts(ms int64) schemas.Time {
	if ms == 0 {
		return schemas.Time{}
	}
	return schemas.UnixMilli(ms)
}

// conversationID hashes the key and the opening event.
func conversationID(k schemas.ConversationKey, openedAt int64, openH uint64) string {
	// The key's bytes and the opening, hashed in one call from a buffer
	// on the stack: this runs for every conversation of every derivation.
	var buf [256]byte
	b := k.AppendTo(buf[:0])
	b = binary.BigEndian.AppendUint64(b, uint64(openedAt))
	b = binary.BigEndian.AppendUint64(b, openH)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// views writes the folded conversations into dst's memory.
func (f *folder) views(dst []Conversation, k schemas.ConversationKey, now int64) []Conversation {
	out := dst[:0]
	for _, r := range f.runs {
		if len(out) < cap(out) {
			out = out[:len(out)+1]
		} else {
			out = append(out, Conversation{})
		}
		f.view(&out[len(out)-1], k, r, now)
	}
	clear(out[len(out):cap(out)]) // what dst held beyond: not kept alive
	return out
}

// view writes the conversation of r as of now into c, reusing the
// memory of c's slices (whatever c held before is gone).
func (f *folder) view(c *Conversation, k schemas.ConversationKey, r *run, now int64) {
	n := f.tn.names
	transfers, durations, history := c.Transfers[:0], c.Durations[:0], c.History[:0]
	*c = Conversation{
		ID: conversationID(k, r.openedAt, r.openH), Key: k,
		Team: n.Name(r.team), Operator: n.Name(r.operator),
		Status: statusNames[r.status], RecoverReason: reasonNames[r.reason],
		OpenedAt: ts(r.openedAt), RoutedAt: ts(r.routedAt), AssignedAt: ts(r.assignedAt),
		AttendedAt: ts(r.attendedAt), FirstResponseAt: ts(r.firstRespAt),
		LastCustomerMessageAt: ts(r.lastCustAt), FirstCustomerMessageAt: ts(r.firstCustAt), ClosedAt: ts(r.closedAt),
		LastEventAt: ts(r.lastEventAt), QueuedSince: ts(r.queuedSince), CompleteUntil: ts(now),
	}
	c.InteractionType = interactionType(n, r.itype)
	if r.waitOpen {
		c.WaitStartedAt = ts(r.waitStart)
	}
	if f.window > 0 && r.lastCustAt != 0 {
		c.WindowExpiresAt = ts(r.lastCustAt + f.window)
	}
	switch {
	case r.idleClosed:
		c.ClosedBy = ClosedBySystem
	case r.closed:
		c.ClosedBy = n.Name(r.closedBy)
	}
	// Sized at once: a view is built per derivation, its slices grown
	// one append at a time cost a copy each. Empty ones stay nil.
	if len(r.transfers) > 0 {
		c.Transfers = slices.Grow(transfers, len(r.transfers))
	}
	for _, t := range r.transfers {
		c.Transfers = append(c.Transfers, ts(t))
	}
	if len(r.durations) > 0 {
		c.Durations = slices.Grow(durations, len(r.durations))
	}
	for _, d := range r.durations {
		c.Durations = append(c.Durations, schemas.DurationRecord{
			Kind: durationNames[d.kind], EndedAt: ts(d.endedAt), Team: n.Name(d.team),
			Operator: n.Name(d.operator), Ms: d.ms, BusinessMs: d.bms,
		})
	}
	if len(r.history) > 0 {
		c.History = slices.Grow(history, len(r.history))
	}
	var seg interval // the previous interval's segment, whose names are known
	for i, iv := range r.history {
		v := Interval{Status: statusNames[iv.status], Reason: reasonNames[iv.reason],
			From: ts(iv.from), To: ts(iv.to), ByTimer: iv.timer}
		// Consecutive intervals mostly share a segment: names are looked up
		// (under the table's lock) only when it changes.
		if i > 0 && iv.itype == seg.itype && iv.team == seg.team && iv.operator == seg.operator {
			prev := &c.History[i-1]
			v.InteractionType, v.Team, v.Operator = prev.InteractionType, prev.Team, prev.Operator
		} else {
			v.InteractionType, v.Team, v.Operator = interactionType(n, iv.itype), n.Name(iv.team), n.Name(iv.operator)
		}
		seg = iv
		c.History = append(c.History, v)
	}
}

// interactionType names id, the default type before any routing gave one.
func interactionType(n *Names, id uint32) string {
	if id == 0 {
		return schemas.DefaultInteractionType
	}
	return n.Name(id)
}
