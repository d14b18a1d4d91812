package normalize

import (
	json "github.com/goccy/go-json"

	"github.com/floorwatch/floorwatch/schemas"
)

// xDM is one direct_message_events[] item.
type xDM struct {
	Type             string `json:"type"`
	ID               flexID `json:"id"`
	CreatedTimestamp stamp  `json:"created_timestamp"`
	MessageCreate    *struct {
		Target struct {
			RecipientID flexID `json:"recipient_id"`
		} `json:"target"`
		SenderID    flexID `json:"sender_id"`
		SourceAppID flexID `json:"source_app_id"`
		MessageData struct {
			Text               string    `json:"text"`
			QuickReplyResponse *struct{} `json:"quick_reply_response"`
			Attachment         *struct {
				Type  string `json:"type"`
				Media *struct {
					Type string `json:"type"`
				} `json:"media"`
			} `json:"attachment"`
		} `json:"message_data"`
	} `json:"message_create"`
}

// xMarkRead is one direct_message_mark_read_events[] item; the sender is
// the reader.
type xMarkRead struct {
	CreatedTimestamp stamp  `json:"created_timestamp"`
	SenderID         flexID `json:"sender_id"`
	Target           struct {
		RecipientID flexID `json:"recipient_id"`
	} `json:"target"`
	LastReadEventID flexID `json:"last_read_event_id"`
}

// xDMEvent maps a DM: sent by the subscribed account → business_message
// (from any client, our own API calls included), received by it →
// customer_message; the customer is the other participant.
func xDMEvent(c *collector, business string, raw json.RawMessage) {
	var d xDM
	if err := decodeItem(raw, &d); err != nil {
		c.ignore("dm", "", err.Error())
		return
	}
	if d.Type != "message_create" || d.MessageCreate == nil {
		c.classify("dm:"+d.Type, string(d.ID), "")
		return
	}
	mc := d.MessageCreate
	sender, recipient := string(mc.SenderID), string(mc.Target.RecipientID)
	e := schemas.Event{
		ID: string(d.ID), MessageID: string(d.ID), AccountID: business,
		Text: mc.MessageData.Text, ContentType: "text",
	}
	switch {
	case business == "":
		c.ignore("dm", e.ID, "no subscribed account (for_user_id)")
		return
	case sender == business && recipient != business:
		e.Kind, e.CustomerID, e.AppID = schemas.KindBusinessMessage, recipient, string(mc.SourceAppID)
	case recipient == business && sender != business:
		e.Kind, e.CustomerID = schemas.KindCustomerMessage, sender
	default:
		c.ignore("dm", e.ID, "the subscribed account is not exactly one of the participants")
		return
	}
	if a := mc.MessageData.Attachment; a != nil {
		e.ContentType = a.Type
		if a.Media != nil && a.Media.Type != "" {
			e.ContentType = a.Media.Type
		}
	} else if mc.MessageData.QuickReplyResponse != nil {
		e.ContentType = "quick_reply"
	}
	at, err := d.CreatedTimestamp.millis()
	if err != nil {
		c.ignore("dm", e.ID, err.Error())
		return
	}
	e.OccurredAt = at
	c.emit("dm", e)
}

// xReadEvent maps a read receipt: read by the customer → read of
// last_read_event_id; read by the subscribed account → ignored.
func xReadEvent(c *collector, business string, raw json.RawMessage) {
	var r xMarkRead
	if err := decodeItem(raw, &r); err != nil {
		c.ignore("read", "", err.Error())
		return
	}
	reader, last := string(r.SenderID), string(r.LastReadEventID)
	switch {
	case business == "":
		c.ignore("read", last, "no subscribed account (for_user_id)")
		return
	case reader == business:
		c.classify("read:business", last, "")
		return
	case string(r.Target.RecipientID) != business:
		c.ignore("read", last, "the subscribed account is not a participant")
		return
	}
	at, err := r.CreatedTimestamp.millis()
	if err != nil {
		c.ignore("read", last, err.Error())
		return
	}
	c.emit("read", schemas.Event{
		Kind: schemas.KindRead, ID: idWith(last, "read", reader),
		AccountID: business, CustomerID: reader,
		MessageID: last, TargetMessageID: last, OccurredAt: at,
	})
}
