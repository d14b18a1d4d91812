package schemas

import (
	"strings"
	"time"
)

// EventVersion is the version of the Event record written by this build.
// Readers accept any version up to it; fields are only ever added.
const EventVersion = 1

// Channel is a messaging platform.
type Channel string

const (
	WhatsApp  Channel = "whatsapp"
	Messenger Channel = "messenger"
	Instagram Channel = "instagram"
	X         Channel = "x"
)

// Channels lists every supported channel, in a stable order.
var Channels = []Channel{WhatsApp, Messenger, Instagram, X}

// Valid reports whether c is one of Channels.
func (c Channel) Valid() bool {
	switch c {
	case WhatsApp, Messenger, Instagram, X:
		return true
	}
	return false
}

// Kind says what an Event is. Channel kinds come from webhooks; platform
// kinds come from the contact-center platform (POST /v1/events).
type Kind string

const (
	// Channel webhook kinds.
	KindCustomerMessage Kind = "customer_message" // the customer wrote or tapped something
	KindBusinessMessage Kind = "business_message" // the business, its bot or a human agent wrote
	KindDelivery        Kind = "delivery"         // a business message reached the customer
	KindRead            Kind = "read"             // the customer read a business message
	KindReaction        Kind = "reaction"         // the customer reacted to a message
	KindOther           Kind = "other"            // carries nothing for the indicators

	// Platform event kinds (SPEC 2.2).
	KindRouted          Kind = "conversation.routed"
	KindAssigned        Kind = "conversation.assigned"
	KindOperatorReplied Kind = "operator.replied"
	KindTransferred     Kind = "conversation.transferred"
	KindRecovered       Kind = "conversation.recovered"
	KindClosed          Kind = "conversation.closed"
	KindOperatorStatus  Kind = "operator.status"
)

// PlatformKinds lists the platform event types of SPEC 2.2.
var PlatformKinds = []Kind{KindRouted, KindAssigned, KindOperatorReplied, KindTransferred,
	KindRecovered, KindClosed, KindOperatorStatus}

// IsPlatform reports whether k is a platform event type.
func (k Kind) IsPlatform() bool { return strings.ContainsRune(string(k), '.') }

// Operator presence values carried by KindOperatorStatus.
const (
	OperatorAvailable = "available"
	OperatorAway      = "away"
	OperatorOffline   = "offline"
)

// DefaultInteractionType is the interaction type of a conversation that
// was never routed with another one.
const DefaultInteractionType = "messaging"

// Event is one normalized event: a channel webhook item or a platform event.
// It is the record of the events topic, keyed by ConversationKey.
type Event struct {
	V    int  `json:"v"`
	Kind Kind `json:"kind"`
	// ID is the deduplication id, unique per conversation: the platform's
	// message or event id, suffixed where one platform id covers several
	// events (see docs/events.md). Two events with the same ID are the same event.
	ID         string  `json:"id"`
	Tenant     string  `json:"tenant"`
	Channel    Channel `json:"channel"`
	AccountID  string  `json:"account_id"`  // the business side: phone_number_id, page id, IG account id, X user id
	CustomerID string  `json:"customer_id"` // the customer side: wa_id or BSUID, PSID, IGSID, X user id
	// CustomerAltID is a second id for the same customer (WhatsApp BSUID when
	// CustomerID is the phone number), so downstream can join the two.
	CustomerAltID string `json:"customer_alt_id,omitempty"`
	// CustomerName is the name the channel gives the customer (WhatsApp's
	// contact profile name), when it gives one.
	CustomerName string `json:"customer_name,omitempty"`
	MessageID    string `json:"message_id,omitempty"`
	// TargetMessageID is the message a reaction, receipt or reply refers to.
	TargetMessageID string `json:"target_message_id,omitempty"`
	OccurredAt      Time   `json:"occurred_at"`
	ReceivedAt      Time   `json:"received_at"`
	// Clamped marks an event whose occurred_at was later than its arrival
	// plus the allowed skew: OccurredAt is then its arrival time and
	// OriginalOccurredAt what the platform claimed (SPEC 2.2.1).
	Clamped            bool   `json:"clamped,omitempty"`
	OriginalOccurredAt Time   `json:"original_occurred_at,omitzero"`
	Text               string `json:"text,omitempty"`
	// ContentType is the message type as the platform names it (text, image,
	// audio, location, interactive, postback, unsupported...).
	ContentType string `json:"content_type,omitempty"`
	// Status is the WhatsApp message status (sent, delivered, read, failed,
	// played) or, for KindOperatorStatus, the operator presence.
	Status    string `json:"status,omitempty"`
	ErrorCode string `json:"error_code,omitempty"`
	// AppID is the app that sent a business message (Messenger/Instagram echo).
	AppID string `json:"app_id,omitempty"`
	// HumanAgent marks a business message typed by a person in the channel's
	// own inbox (Page Inbox app echo, WhatsApp Business app echo).
	HumanAgent bool `json:"human_agent,omitempty"`

	// Platform event fields (SPEC 2.2).
	InteractionType string `json:"interaction_type,omitempty"`
	Team            string `json:"team,omitempty"`
	Operator        string `json:"operator,omitempty"`
	ToTeam          string `json:"to_team,omitempty"`
	ToOperator      string `json:"to_operator,omitempty"`

	// Supervisor actions (SPEC 2.2, 4.1): a transfer or recovery taken
	// through the supervisor API has Source SourceSupervisor, the
	// supervisor's name in By, and the conversation acted on in
	// ConversationID; it applies to that conversation only, while open.
	Source         string `json:"source,omitempty"`
	By             string `json:"by,omitempty"`
	ConversationID string `json:"conversation_id,omitempty"`
}

// SourceSupervisor marks an event written by the supervisor API.
const SourceSupervisor = "supervisor"

// FromSupervisor reports whether e is a supervisor's action.
func (e *Event) FromSupervisor() bool { return e.Source == SourceSupervisor }

// ClampFuture applies SPEC 2.2.1 to an event: one that claims to have
// occurred more than maxSkew after its arrival is kept at its arrival time,
// marked, with the claimed time in OriginalOccurredAt. It reports whether
// it clamped. An event without an arrival time is left alone.
func (e *Event) ClampFuture(maxSkew time.Duration) bool {
	if e.ReceivedAt.IsZero() || !e.OccurredAt.After(e.ReceivedAt.Add(maxSkew)) {
		return false
	}
	e.Clamped, e.OriginalOccurredAt, e.OccurredAt = true, e.OccurredAt, e.ReceivedAt
	return true
}

// ConversationKey is the natural key of a conversation: tenant, channel,
// account and customer. It is the Kafka key of the events topic, so one
// conversation's events stay in order in one partition.
type ConversationKey struct {
	Tenant     string  `json:"tenant"`
	Channel    Channel `json:"channel"`
	AccountID  string  `json:"account_id"`
	CustomerID string  `json:"customer_id"`
}

// Key returns the conversation key of e.
func (e *Event) Key() ConversationKey {
	return ConversationKey{Tenant: e.Tenant, Channel: e.Channel, AccountID: e.AccountID, CustomerID: e.CustomerID}
}

// String encodes k as "tenant|channel|account|customer"; it is the Kafka
// record key. None of the parts may contain '|'.
func (k ConversationKey) String() string {
	return k.Tenant + "|" + string(k.Channel) + "|" + k.AccountID + "|" + k.CustomerID
}

// AppendTo appends k.String() to b.
func (k ConversationKey) AppendTo(b []byte) []byte {
	b = append(append(b, k.Tenant...), '|')
	b = append(append(b, k.Channel...), '|')
	b = append(append(b, k.AccountID...), '|')
	return append(b, k.CustomerID...)
}

// ParseConversationKey is the inverse of ConversationKey.String.
func ParseConversationKey(s string) (ConversationKey, bool) {
	p := strings.Split(s, "|")
	if len(p) != 4 {
		return ConversationKey{}, false
	}
	return ConversationKey{Tenant: p[0], Channel: Channel(p[1]), AccountID: p[2], CustomerID: p[3]}, true
}

// OperatorKey is the Kafka record key of operator status events.
func OperatorKey(tenant, operator string) string {
	return string(AppendOperatorKey(make([]byte, 0, len(tenant)+1+len(operator)), tenant, operator))
}

// AppendOperatorKey appends OperatorKey(tenant, operator) to b.
func AppendOperatorKey(b []byte, tenant, operator string) []byte {
	return append(append(append(b, tenant...), '|'), operator...)
}
