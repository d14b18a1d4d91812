package oracle

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"

	"github.com/floorwatch/floorwatch/schemas"
)

// Conversation is one conversation as the oracle sees it at a clock:
// plain values, times in unix ms (0: never).
type Conversation struct {
	Key schemas.ConversationKey
	// ID is the conversation id floorwatch assigns (SPEC 3): the first 16
	// bytes, in hex, of SHA-256 over the key, the opening event's time
	// (big-endian ms) and its id hash; supervisor actions name it.
	ID              string
	OpenedAt        int64
	InteractionType string
	Team, Operator  string
	RoutedAt        int64 // entered human support
	AssignedAt      int64 // first assignment
	AttendedAt      int64 // first operator action
	FirstResponseAt int64
	ClosedAt        int64
	ClosedBy        string // closing operator; "" for a platform close; "system" for an idle close
	LastEventAt     int64
	LastCustomerAt  int64
	LastRecoveryAt  int64
	WaitOpen        bool
	WaitStart       int64
	Transfers       []int64
	Durations       []Duration
	// Status and Reason at the clock: bot, queued, active, to_recover
	// (Reason outside_business_hours, operator_unavailable or
	// unanswered), expired or closed.
	Status, Reason string
}

// Duration is one first response, reply turn or resolution: calendar and
// business milliseconds, owned by the team and operator that ended it.
type Duration struct {
	Kind           string // first_response, reply, resolution
	End            int64
	Ms, BusinessMs int64
	Team, Operator string
	// WithinTarget: a first response within its team's service-level target.
	WithinTarget bool
}

// Duration kinds.
const (
	FirstResponse = "first_response"
	Reply         = "reply"
	Resolution    = "resolution"
)

// Statuses and reasons.
const (
	StatusBot       = "bot"
	StatusQueued    = "queued"
	StatusActive    = "active"
	StatusToRecover = "to_recover"
	StatusExpired   = "expired"
	StatusClosed    = "closed"

	ReasonOutsideHours = "outside_business_hours"
	ReasonUnavailable  = "operator_unavailable"
	ReasonUnanswered   = "unanswered"
)

// InboxOperator is the operator of replies typed in a channel's own inbox,
// for tenants with echoes_as_replies.
const InboxOperator = "inbox"

// SystemClose is ClosedBy of an idle close.
const SystemClose = "system"

func conversationID(k schemas.ConversationKey, openedAt int64, hash uint64) string {
	h := sha256.New()
	h.Write([]byte(k.String()))
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(openedAt))
	binary.BigEndian.PutUint64(b[8:], hash)
	h.Write(b[:])
	return hex.EncodeToString(h.Sum(nil)[:16])
}
