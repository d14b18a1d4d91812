package simulate

import "github.com/floorwatch/floorwatch/schemas"

// itemKind is what one item of a body is.
type itemKind uint8

const (
	itCustomer itemKind = iota + 1 // the customer wrote or tapped something
	itReaction                     // the customer reacted to a business message
	itRead                         // the customer read business messages
	itDelivery                     // a business message reached the customer
	itBusiness                     // the business wrote: bot, agent via the platform, human in the inbox
	itStatus                       // WhatsApp status of a business message sent through the API
	itTyping                       // X typing indicator
	itNoise                        // an item of a field or family that carries no conversation event
	itPlatform                     // a contact-center platform event
)

// sender says who wrote a business message, which decides how the
// channel reports it (API statuses or echoes, which app id).
type sender uint8

const (
	byBot   sender = iota + 1 // a bot of the business, through the API
	byAgent                   // an agent, through the contact-center platform's app
	byInbox                   // a person typing in the channel's own inbox
)

// item is one event inside a request body, with every detail decided at
// planning time, so that building the body is a pure function of it and
// a retry is byte-identical.
type item struct {
	kind itemKind
	at   int64  // occurred, Unix ms
	id   string // the item's own id: message id, platform event id
	ref  string // the message it refers to: reply context, reaction, receipt
	text string
	// ctype is the content type as the platform names it (text, image,
	// location, interactive, postback...), or the noise family.
	ctype string
	// extra is ctype's detail: a tapped option's id, an emoji, a media id.
	extra string
	by    sender
	// status: WhatsApp status (sent, delivered, read) or operator presence.
	status string
	remove bool // reaction removed

	// Platform event fields (SPEC 2.2).
	typ                           schemas.Kind
	team, op, toTeam, toOp, itype string
}

// published returns the kind ingest gives the item, or "" when ingest
// ignores it.
func (it *item) published() schemas.Kind {
	switch it.kind {
	case itCustomer:
		return schemas.KindCustomerMessage
	case itReaction:
		return schemas.KindReaction
	case itRead:
		return schemas.KindRead
	case itDelivery:
		return schemas.KindDelivery
	case itBusiness:
		return schemas.KindBusinessMessage
	case itStatus:
		switch it.status {
		case "delivered":
			return schemas.KindDelivery
		case "read":
			return schemas.KindRead
		}
	case itPlatform:
		return it.typ
	}
	return ""
}
