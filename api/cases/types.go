package cases

import (
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// Lists names the case lists of SPEC 4.1 and 4.2, in the order the API
// documents them.
var Lists = []string{ListCurrent, ListQueued, ListToRecover, ListExpired, ListAtRisk}

// The case lists.
const (
	ListCurrent   = "current"    // active and assigned, by support start
	ListQueued    = "queued"     // waiting in a queue, by queued_since
	ListToRecover = "to_recover" // by window expiry, no window last
	ListExpired   = "expired"    // by window expiry, no window last
	ListAtRisk    = "at_risk"    // about to cross a line, by breach time
)

// Risks, in the order that breaks a tie between two lines crossed at the
// same instant.
const (
	RiskServiceLevel = "service_level" // a pending first response reaches the team's target
	RiskUnanswered   = "unanswered"    // an assigned customer wait reaches the unanswered threshold
	RiskWindow       = "window"        // the channel window expires while a customer waits
)

// Case is one case as the API answers it (SPEC 4.1 CASE). Times are
// written in schemas.TimeLayout; a zero time, and a nil pointer, is null.
type Case struct {
	ConversationID   string         `json:"conversation_id"`
	Channel          string         `json:"channel"`
	AccountID        string         `json:"account_id"`
	CustomerID       string         `json:"customer_id"`
	CustomerName     *string        `json:"customer_name"`
	InteractionType  string         `json:"interaction_type"`
	Team             *string        `json:"team"`
	Operator         *string        `json:"operator"`
	Status           string         `json:"status"`
	ManagementStatus string         `json:"management_status"`
	Reason           *string        `json:"reason"`
	OpenedAt         schemas.Time   `json:"opened_at"`
	SupportStartedAt schemas.Time   `json:"support_started_at"`
	AssignedAt       schemas.Time   `json:"assigned_at"`
	QueuedSince      schemas.Time   `json:"queued_since"`
	WaitingSince     schemas.Time   `json:"waiting_since"`
	WindowExpiresAt  schemas.Time   `json:"window_expires_at"`
	Attended         bool           `json:"attended"`
	Transfers        int64          `json:"transfers"`
	Risk             string         `json:"risk,omitempty"`
	BreachAt         schemas.Time   `json:"breach_at,omitzero"`
	key              cursorPosition // where the case sits in its list
}

// Query asks for one page of one list. Empty filters keep every value.
type Query struct {
	List            string
	Channel         string
	InteractionType string
	Team            string
	Operator        string
	// Limit is the page size, 1 to MaxLimit.
	Limit int
	// Cursor continues after the last case of a previous page ("" for the
	// first page); it must come from the same list and filters.
	Cursor string
	// Within is the at-risk horizon (ListAtRisk only).
	Within time.Duration
	// Now is the instant wait ages and risks are measured at.
	Now time.Time
}

// Page is one page of a list.
type Page struct {
	Cases []Case
	// Next continues the list after Cases, "" when there is nothing more.
	Next string
}

// Limits of a page.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// DefaultWithin is the at-risk horizon when the request gives none (SPEC 4.2).
const DefaultWithin = 10 * time.Minute

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func timeOf(t *time.Time) schemas.Time {
	if t == nil {
		return schemas.Time{}
	}
	return schemas.At(*t)
}
