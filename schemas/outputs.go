package schemas

// Segment is one combination of the dimensions of SPEC 3.
type Segment struct {
	Tenant          string  `json:"tenant"`
	Channel         Channel `json:"channel"`
	InteractionType string  `json:"interaction_type"`
	Team            string  `json:"team"`
	Operator        string  `json:"operator"`
}

// String encodes s as a record key.
func (s Segment) String() string {
	var a [128]byte // on the stack: one allocation, the string's
	return string(s.AppendTo(a[:0]))
}

// AppendTo appends s.String() to b.
func (s Segment) AppendTo(b []byte) []byte {
	b = append(append(b, s.Tenant...), '|')
	b = append(append(b, s.Channel...), '|')
	b = append(append(b, s.InteractionType...), '|')
	b = append(append(b, s.Team...), '|')
	return append(b, s.Operator...)
}

// Status values of a conversation (SPEC 3).
const (
	StatusBot       = "bot"
	StatusQueued    = "queued"
	StatusActive    = "active"
	StatusToRecover = "to_recover"
	StatusExpired   = "expired"
	StatusClosed    = "closed"
)

// Recover reasons, in precedence order.
const (
	ReasonOutsideBusinessHours = "outside_business_hours"
	ReasonOperatorUnavailable  = "operator_unavailable"
	ReasonUnanswered           = "unanswered"
)

// DurationDelta is an additive change to a set of durations: counts, exact
// sums and sketch bucket counts, in calendar and in business time.
// Corrections carry negative values. Bounds are not additive: they merge
// by min and max (see durations.go).
type DurationDelta struct {
	Count           int64           `json:"count"`
	SumMs           int64           `json:"sum_ms"`
	BusinessSumMs   int64           `json:"business_sum_ms"`
	Buckets         map[int32]int64 `json:"buckets,omitempty"`          // SketchBucket(calendar ms) → count
	BusinessBuckets map[int32]int64 `json:"business_buckets,omitempty"` // SketchBucket(business ms) → count
	// Bounds are the smallest and largest durations this delta added
	// (n > 0); nil when it added none. A retraction leaves them alone.
	Bounds *DurationBounds `json:"bounds,omitempty"`
}

// MetricDelta is what changed in one minute (by event time) of one segment.
// Summing every delta of a minute and segment gives its final figures; a late
// event produces a further delta for the minute it belongs to.
type MetricDelta struct {
	V       int     `json:"v"`
	Minute  Time    `json:"minute"` // start of the minute, UTC
	Segment Segment `json:"segment"`
	// Opened and Closed count conversations by opened_at / closed_at.
	Opened int64 `json:"opened"`
	Closed int64 `json:"closed"`
	// Transfers counts transfer events.
	Transfers int64 `json:"transfers"`
	// FirstResponseWithinTarget counts first responses within the team's target.
	FirstResponseWithinTarget int64         `json:"first_response_within_target"`
	FirstResponse             DurationDelta `json:"first_response"`
	Reply                     DurationDelta `json:"reply"`
	Resolution                DurationDelta `json:"resolution"`
}

// DurationRecord is one first response, reply turn or resolution.
type DurationRecord struct {
	Kind       string `json:"kind"` // first_response, reply, resolution
	EndedAt    Time   `json:"ended_at"`
	Team       string `json:"team"`
	Operator   string `json:"operator"`
	Ms         int64  `json:"ms"`
	BusinessMs int64  `json:"business_ms"`
	// TargetMs is the team's service-level target of a first response,
	// decided by the processors with the policy they applied (0 for other
	// kinds), so every later stage reads one decision.
	TargetMs int64 `json:"target_ms,omitempty"`
}

// ConversationRow is the latest state of one conversation. Version grows
// with every change so the table keeps the newest row.
type ConversationRow struct {
	V               int     `json:"v"`
	ConversationID  string  `json:"conversation_id"`
	Version         int64   `json:"version"`
	Deleted         bool    `json:"deleted,omitempty"` // retracted by a late event that re-opened the key
	Tenant          string  `json:"tenant"`
	Channel         Channel `json:"channel"`
	AccountID       string  `json:"account_id"`
	CustomerID      string  `json:"customer_id"`
	InteractionType string  `json:"interaction_type"`
	Team            string  `json:"team"`
	Operator        string  `json:"operator"`
	Status          string  `json:"status"`
	RecoverReason   string  `json:"recover_reason,omitempty"`

	OpenedAt              Time `json:"opened_at"`
	RoutedAt              Time `json:"routed_at"`
	AssignedAt            Time `json:"assigned_at"`
	AttendedAt            Time `json:"attended_at"`
	FirstResponseAt       Time `json:"first_response_at"`
	LastCustomerMessageAt Time `json:"last_customer_message_at"`
	// FirstCustomerMessageAt is the conversation's first customer message:
	// "a customer message before to" (pending_first_response) is read from
	// it for any past to. Zero when none (and in rows written before it).
	FirstCustomerMessageAt Time `json:"first_customer_message_at,omitzero"`
	WaitStartedAt          Time `json:"wait_started_at"` // open customer wait, zero if none
	// QueuedSince is since when it waits in its current queue: set when it
	// is routed or transferred or recovered without an operator, cleared
	// when an operator takes it or it closes.
	QueuedSince     Time   `json:"queued_since,omitzero"`
	WindowExpiresAt Time   `json:"window_expires_at"`
	ClosedAt        Time   `json:"closed_at"`
	ClosedBy        string `json:"closed_by,omitempty"` // operator, or "system" for idle close
	LastEventAt     Time   `json:"last_event_at"`
	TransferTimes   []Time `json:"transfer_times,omitempty"`

	FirstResponseMs         int64 `json:"first_response_ms"` // -1 when none
	FirstResponseBusinessMs int64 `json:"first_response_business_ms"`
	ResolutionMs            int64 `json:"resolution_ms"` // -1 when open
	ResolutionBusinessMs    int64 `json:"resolution_business_ms"`
	ReplyCount              int64 `json:"reply_count"`
	ReplySumMs              int64 `json:"reply_sum_ms"`
	ReplyBusinessSumMs      int64 `json:"reply_business_sum_ms"`

	Durations []DurationRecord `json:"durations,omitempty"`
	// CompleteUntil is the event time up to which this row is final.
	CompleteUntil Time `json:"complete_until"`
}

// StatusChange is one interval of a conversation's status history.
// ValidTo is zero while the status holds. A late event may rewrite the
// history: the record with the same (ConversationID, Seq) and a higher
// Version replaces the older one, and Deleted retracts it.
type StatusChange struct {
	V              int     `json:"v"`
	ConversationID string  `json:"conversation_id"`
	Seq            int32   `json:"seq"` // position in the history
	Version        int64   `json:"version"`
	Deleted        bool    `json:"deleted,omitempty"`
	Segment        Segment `json:"segment"`
	Status         string  `json:"status"`
	RecoverReason  string  `json:"recover_reason,omitempty"`
	ValidFrom      Time    `json:"valid_from"`
	ValidTo        Time    `json:"valid_to"`
	// ByTimer says a timer started the interval (threshold, window
	// expiry, business hours, presence, idle close), not an event: the
	// status as of exactly ValidFrom is this one, since a report as of an
	// instant leaves out events at it but counts timers due by then.
	ByTimer bool `json:"by_timer,omitempty"`
}

// GaugeSnapshot is one processor partition's open conversations per
// segment and status at one snapshot (every process.gauge_interval), in one
// record, so a reader sees a snapshot whole or not at all. Round grows by
// one with every snapshot of the partition (it is kept in the partition's
// changelog, so a new owner goes on counting): the latest round of each
// partition is the state now, and a segment absent from it has no open
// conversation there. Version 1 records held one segment each, with no
// round (readers still accept them).
type GaugeSnapshot struct {
	V         int          `json:"v"`
	Partition int32        `json:"partition"`
	Round     int64        `json:"round"`
	At        Time         `json:"at"` // wall time of the snapshot
	Segments  []GaugeCount `json:"segments"`

	// Version 1 fields: one segment per record.
	Segment   Segment `json:"segment,omitzero"`
	Bot       int64   `json:"bot,omitempty"`
	Queued    int64   `json:"queued,omitempty"`
	Active    int64   `json:"active,omitempty"`
	ToRecover int64   `json:"to_recover,omitempty"`
	Expired   int64   `json:"expired,omitempty"`
}

// GaugeVersion is the version of GaugeSnapshot this build writes.
const GaugeVersion = 2

// GaugeCount is one segment's open conversations per status, at its
// tenant's clock on the partition.
type GaugeCount struct {
	Segment   Segment `json:"segment"`
	At        Time    `json:"at"`
	Bot       int64   `json:"bot"`
	Queued    int64   `json:"queued"`
	Active    int64   `json:"active"`
	ToRecover int64   `json:"to_recover"`
	Expired   int64   `json:"expired"`
}

// Watermark says that one partition's outputs are complete up to an event time.
type Watermark struct {
	V             int    `json:"v"`
	Topic         string `json:"topic"`
	Partition     int32  `json:"partition"`
	CompleteUntil Time   `json:"complete_until"`
	At            Time   `json:"at"` // wall time it was written
}
