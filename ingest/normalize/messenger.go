package normalize

import (
	"github.com/floorwatch/floorwatch/schemas"
)

// Messenger Platform webhooks: {"object":"page","entry":[{"id":PAGE,
// "time":ms,"messaging":[{"sender","recipient","timestamp",<event>}]}]}.
// The handlers below are shared with Instagram, whose messaging items have
// the same shape; instagram.go holds what only Instagram sends.

type metaMessage struct {
	Mid        flexID    `json:"mid"`
	Text       string    `json:"text"`
	IsEcho     bool      `json:"is_echo"`
	AppID      flexID    `json:"app_id"`
	QuickReply *struct{} `json:"quick_reply"`
	ReplyTo    *struct {
		Mid flexID `json:"mid"`
	} `json:"reply_to"`
	Attachments []struct {
		Type string `json:"type"`
	} `json:"attachments"`
	IsDeleted     bool `json:"is_deleted"`
	IsSelf        bool `json:"is_self"`
	IsUnsupported bool `json:"is_unsupported"`
}

type metaDelivery struct {
	Mids      []flexID `json:"mids"`
	Watermark stamp    `json:"watermark"`
}

type metaRead struct {
	Watermark stamp  `json:"watermark"` // Messenger: everything up to it was read
	Mid       flexID `json:"mid"`       // Instagram (messaging_seen): this message was seen
}

type metaReaction struct {
	Mid      flexID `json:"mid"`
	Action   string `json:"action"`   // react, unreact
	Reaction string `json:"reaction"` // absent on unreact
}

type metaPostback struct {
	Mid   flexID `json:"mid"`
	Title string `json:"title"`
}

// metaMessageEvent maps a message: an echo (is_echo) → business_message
// whose customer is the recipient, with HumanAgent when the Page Inbox app
// sent it; a deleted (unsent) or self-test message → ignored; anything else
// → customer_message.
func metaMessageEvent(c *collector, e schemas.Event, it *metaItem) {
	m := it.Message
	switch {
	case m.IsDeleted:
		c.classify("message:deleted", string(m.Mid), "")
		return
	case m.IsSelf:
		c.classify("message:self", string(m.Mid), "")
		return
	}
	e.Kind = schemas.KindCustomerMessage
	e.ID, e.MessageID = string(m.Mid), string(m.Mid)
	e.Text, e.ContentType = m.Text, m.contentType()
	if m.ReplyTo != nil {
		e.TargetMessageID = string(m.ReplyTo.Mid)
	}
	typ := "message"
	if m.IsEcho {
		typ = "echo"
		e.Kind = schemas.KindBusinessMessage
		e.CustomerID = string(it.Recipient.ID)
		e.AppID = string(m.AppID)
		e.HumanAgent = isPageInbox(e.AppID)
	}
	c.emit(typ, e)
}

// contentType names what a message holds, as Meta names it: the first
// attachment's type, "quick_reply" for a tapped quick reply, "text",
// or "unsupported".
func (m *metaMessage) contentType() string {
	switch {
	case m.IsUnsupported:
		return "unsupported"
	case m.QuickReply != nil:
		return "quick_reply"
	case len(m.Attachments) > 0 && m.Attachments[0].Type != "":
		return m.Attachments[0].Type
	case m.Text != "":
		return "text"
	}
	return "unknown"
}

// metaDeliveryEvents emits one delivery per delivered mid; a delivery
// with only a watermark emits one event with no message id.
func metaDeliveryEvents(c *collector, e schemas.Event, d *metaDelivery) {
	e.Kind = schemas.KindDelivery
	if len(d.Mids) == 0 {
		if d.Watermark == "" {
			c.ignore("delivery", "", "no mids and no watermark")
			return
		}
		e.ID = idWith("delivery", e.AccountID, e.CustomerID, string(d.Watermark))
		c.emit("delivery", e)
		return
	}
	for _, mid := range d.Mids {
		e.ID = idWith(string(mid), "delivery")
		e.MessageID, e.TargetMessageID = string(mid), string(mid)
		c.emit("delivery", e)
	}
}

// metaReadEvent maps a read: Messenger's watermark read (every Page
// message up to the watermark) has no message id; Instagram's names the
// seen message.
func metaReadEvent(c *collector, e schemas.Event, r *metaRead) {
	e.Kind = schemas.KindRead
	switch {
	case r.Mid != "":
		e.ID = idWith(string(r.Mid), "read")
		e.MessageID, e.TargetMessageID = string(r.Mid), string(r.Mid)
	case r.Watermark != "":
		e.ID = idWith("read", e.AccountID, e.CustomerID, string(r.Watermark))
	default:
		c.ignore("read", "", "no mid and no watermark")
		return
	}
	c.emit("read", e)
}

// metaReactionEvent maps a reaction (react or unreact) to the message mid.
// There is no reaction id, so the dedup id is mid, action, reaction and
// timestamp.
func metaReactionEvent(c *collector, e schemas.Event, r *metaReaction, ts stamp) {
	e.Kind = schemas.KindReaction
	e.ID = idWith(string(r.Mid), r.Action, r.Reaction, string(ts))
	e.MessageID, e.TargetMessageID = string(r.Mid), string(r.Mid)
	e.ContentType = "reaction"
	c.emit("reaction", e)
}

// metaPostbackEvent maps a tapped postback button (Get Started, persistent
// menu, ice breaker) to a customer_message whose text is the button title.
// Old postbacks have no mid: the customer and timestamp identify them.
func metaPostbackEvent(c *collector, e schemas.Event, p *metaPostback, ts stamp) {
	e.Kind = schemas.KindCustomerMessage
	e.ID, e.MessageID = string(p.Mid), string(p.Mid)
	if e.ID == "" && ts != "" {
		e.ID = idWith("postback", e.CustomerID, string(ts))
	}
	e.Text, e.ContentType = p.Title, "postback"
	c.emit("postback", e)
}
