package normalize

import (
	"github.com/floorwatch/floorwatch/schemas"
)

// waMessage is an inbound message (value.messages[]) or a business-app
// echo (value.message_echoes[]); echoes add To and ToUserID.
type waMessage struct {
	From        flexID         `json:"from"`
	FromUserID  flexID         `json:"from_user_id"`
	To          flexID         `json:"to"`
	ToUserID    flexID         `json:"to_user_id"`
	ID          flexID         `json:"id"`
	Timestamp   stamp          `json:"timestamp"`
	Type        string         `json:"type"`
	GroupID     flexID         `json:"group_id"`
	Context     *waContext     `json:"context"`
	Text        *waText        `json:"text"`
	Image       *waCaptioned   `json:"image"`
	Video       *waCaptioned   `json:"video"`
	Document    *waCaptioned   `json:"document"`
	Interactive *waInteractive `json:"interactive"`
	Button      *waButton      `json:"button"`
	Reaction    *waReaction    `json:"reaction"`
	Order       *waOrder       `json:"order"`
	Errors      []waError      `json:"errors"`
}

type waContext struct {
	ID flexID `json:"id"`
}

type waText struct {
	Body string `json:"body"`
}

type waInteractive struct {
	ButtonReply *waTitled   `json:"button_reply"`
	ListReply   *waTitled   `json:"list_reply"`
	NfmReply    *waNfmReply `json:"nfm_reply"`
}

type waNfmReply struct {
	Body string `json:"body"`
}

type waButton struct {
	Text string `json:"text"`
}

type waReaction struct {
	MessageID flexID `json:"message_id"`
}

type waOrder struct {
	Text string `json:"text"`
}

type waCaptioned struct {
	Caption string `json:"caption"`
}

type waTitled struct {
	Title string `json:"title"`
}

// waMessageEvent maps one inbound message: a reaction → reaction, a system
// message (number change) → ignored, a group message → ignored, anything
// else, unknown types included → customer_message.
func waMessageEvent(c *collector, account string, contacts []waContact, m *waMessage) {
	typ := "message:" + m.Type
	switch {
	case m.Type == "system":
		c.classify(typ, string(m.ID), "")
		return
	case m.GroupID != "":
		c.classify("message:group", string(m.ID), "group conversations are not supported")
		return
	}
	at, err := m.Timestamp.seconds()
	if err != nil {
		c.ignore(typ, string(m.ID), err.Error())
		return
	}
	ct := findContact(contacts, m.From, m.FromUserID)
	bsuid := m.FromUserID
	if bsuid == "" && ct != nil {
		bsuid = ct.UserID
	}
	customer, alt := waCustomer(m.From, bsuid)
	e := schemas.Event{
		Kind: schemas.KindCustomerMessage, ID: string(m.ID),
		AccountID: account, CustomerID: customer, CustomerAltID: alt,
		MessageID: string(m.ID), OccurredAt: at, ContentType: m.Type, Text: m.text(),
	}
	if ct != nil {
		e.CustomerName = ct.Profile.Name
	}
	if m.Context != nil {
		e.TargetMessageID = string(m.Context.ID)
	}
	if m.Type == "reaction" {
		e.Kind = schemas.KindReaction
		if m.Reaction != nil {
			e.TargetMessageID = string(m.Reaction.MessageID)
		}
	}
	if m.Type == "unsupported" && len(m.Errors) > 0 {
		e.ErrorCode = string(m.Errors[0].Code)
	}
	c.emit(typ, e)
}

// waEchoEvent maps a message the business typed in the WhatsApp Business
// app (smb_message_echoes): a business_message by a human agent, whose
// customer is the recipient.
func waEchoEvent(c *collector, account string, m *waMessage) {
	at, err := m.Timestamp.seconds()
	if err != nil {
		c.ignore("echo:"+m.Type, string(m.ID), err.Error())
		return
	}
	customer, alt := waCustomer(m.To, m.ToUserID)
	c.emit("echo:"+m.Type, schemas.Event{
		Kind: schemas.KindBusinessMessage, ID: string(m.ID),
		AccountID: account, CustomerID: customer, CustomerAltID: alt,
		MessageID: string(m.ID), OccurredAt: at, ContentType: m.Type, Text: m.text(),
		HumanAgent: true,
	})
}

// findContact finds the contact of the message's sender, by phone (wa_id)
// or business-scoped user id. Messages are matched to contacts by id,
// never by index.
func findContact(contacts []waContact, phone, bsuid flexID) *waContact {
	for i := range contacts {
		ct := &contacts[i]
		if (phone != "" && ct.WaID == phone) || (bsuid != "" && ct.UserID == bsuid) {
			return ct
		}
	}
	return nil
}

// text returns what the customer wrote or saw: the body, a media caption,
// the title of a tapped button or list row, an order's note.
func (m *waMessage) text() string {
	switch {
	case m.Text != nil:
		return m.Text.Body
	case m.Image != nil:
		return m.Image.Caption
	case m.Video != nil:
		return m.Video.Caption
	case m.Document != nil:
		return m.Document.Caption
	case m.Button != nil:
		return m.Button.Text
	case m.Order != nil:
		return m.Order.Text
	case m.Interactive != nil:
		switch i := m.Interactive; {
		case i.ButtonReply != nil:
			return i.ButtonReply.Title
		case i.ListReply != nil:
			return i.ListReply.Title
		case i.NfmReply != nil:
			return i.NfmReply.Body
		}
	}
	return ""
}
