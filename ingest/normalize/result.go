package normalize

import (
	"strings"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// Result is what one webhook body normalizes to.
//
// Events are the items that matter for conversations (kinds
// customer_message, business_message, delivery, read, reaction), in body
// order, with Tenant left empty for the caller to fill. Ignored lists every
// other item: those classified `other` and the malformed ones that were
// skipped, for metrics and logs. A body can yield neither (an empty batch).
type Result struct {
	Events  []schemas.Event
	Ignored []Ignored
}

// Ignored is one item of a body that produced no event.
type Ignored struct {
	// Type is a short name of the item for metrics and logs, always
	// "<channel>:<what>", e.g. "whatsapp:status:sent", "x:typing",
	// "whatsapp:field:account_update", "messenger:item".
	Type string `json:"type"`
	// ID is the platform id of the item when it has one.
	ID string `json:"id,omitempty"`
	// Reason says why a malformed item (one that could not be read or
	// keyed) was skipped. It is empty for every item that was read and
	// classified as not a conversation event, so Reason != "" means
	// "malformed".
	Reason string `json:"reason,omitempty"`
	// Detail is what a classified item keeps for logs: the error of a
	// failed WhatsApp status or of value.errors ("error 131047: ..."), why
	// a group item is left out.
	Detail string `json:"detail,omitempty"`
}

// ParseError says that a whole webhook body is unusable: not JSON, or no
// envelope of the channel it was posted to. Nothing is returned with it;
// the caller dead-letters the raw body.
type ParseError struct {
	Channel schemas.Channel
	Reason  string // one line
}

func (e *ParseError) Error() string { return string(e.Channel) + " webhook: " + e.Reason }

// collector accumulates one body's Result. It stamps the fields every event
// of the body shares and refuses events that could not be keyed.
type collector struct {
	ch       schemas.Channel
	received schemas.Time
	res      Result
}

func newCollector(ch schemas.Channel, receivedAt time.Time) *collector {
	return &collector{ch: ch, received: schemas.At(receivedAt)}
}

// emit appends e after filling V, Channel and ReceivedAt. An event missing
// its dedup id, account or customer, or with an id that would break the
// conversation key, is skipped as malformed instead.
func (c *collector) emit(typ string, e schemas.Event) {
	e.V = schemas.EventVersion
	e.Channel = c.ch
	e.ReceivedAt = c.received
	if reason := keyProblem(&e); reason != "" {
		c.ignore(typ, e.ID, reason)
		return
	}
	c.res.Events = append(c.res.Events, e)
}

// ignore records an item that produced no event; reason is empty for a
// well-formed item. typ is without the channel prefix.
func (c *collector) ignore(typ, id, reason string) {
	c.res.Ignored = append(c.res.Ignored, Ignored{Type: string(c.ch) + ":" + typ, ID: id, Reason: reason})
}

// classify records a well-formed item that is not a conversation event,
// with an optional detail for logs.
func (c *collector) classify(typ, id, detail string) {
	c.res.Ignored = append(c.res.Ignored, Ignored{Type: string(c.ch) + ":" + typ, ID: id, Detail: detail})
}

// keyProblem reports what keeps e from being keyed, or "".
func keyProblem(e *schemas.Event) string {
	switch {
	case e.ID == "":
		return "no message or event id"
	case e.AccountID == "":
		return "no business account id"
	case e.CustomerID == "":
		return "no customer id"
	case e.OccurredAt.IsZero():
		return "no timestamp"
	}
	for _, s := range []string{e.AccountID, e.CustomerID} {
		if !validKeyPart(s) {
			return "id " + quoteShort(s) + " is not a valid key part"
		}
	}
	return ""
}

// validKeyPart reports whether s may be part of a ConversationKey: no '|'
// (the key separator) and no control characters.
func validKeyPart(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return r == '|' || r < 0x20 || r == 0x7f })
}

// quoteShort quotes s for a reason line, cut to 40 bytes.
func quoteShort(s string) string {
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return `"` + strings.ToValidUTF8(s, "?") + `"`
}
