package normalize

import (
	"fmt"

	json "github.com/goccy/go-json"

	"github.com/floorwatch/floorwatch/schemas"
)

// WhatsApp Cloud API webhooks: {"object":"whatsapp_business_account",
// "entry":[{"id":WABA,"changes":[{"field","value"}]}]}. Only the fields
// "messages" (customer messages, statuses) and "smb_message_echoes"
// (business messages typed in the WhatsApp Business app) carry
// conversation events; every other field is ignored as a whole.

type waEntry struct {
	ID      flexID            `json:"id"`
	Changes []json.RawMessage `json:"changes"`
}

type waChange struct {
	Field string          `json:"field"`
	Value json.RawMessage `json:"value"`
}

type waValue struct {
	Metadata struct {
		PhoneNumberID flexID `json:"phone_number_id"`
	} `json:"metadata"`
	Contacts      json.RawMessage   `json:"contacts"` // decoded apart: only a lookup
	Messages      []json.RawMessage `json:"messages"`
	Statuses      []json.RawMessage `json:"statuses"`
	MessageEchoes []json.RawMessage `json:"message_echoes"`
	Errors        []json.RawMessage `json:"errors"`
}

type waContact struct {
	WaID    flexID `json:"wa_id"`
	UserID  flexID `json:"user_id"` // BSUID
	Profile struct {
		Name string `json:"name"`
	} `json:"profile"`
}

type waError struct {
	Code  flexID `json:"code"`
	Title string `json:"title"`
}

type waStatus struct {
	ID              flexID    `json:"id"`
	Status          string    `json:"status"`
	Timestamp       stamp     `json:"timestamp"`
	RecipientID     flexID    `json:"recipient_id"`
	RecipientUserID flexID    `json:"recipient_user_id"`
	RecipientType   string    `json:"recipient_type"`
	Errors          []waError `json:"errors"`
}

// whatsApp reads a body in one pass when every item in it is well formed,
// the usual case, and item by item otherwise, so that one bad item cannot
// spoil the rest. Both give the same result for a well-formed body
// (FuzzWhatsAppOnePassMatchesItemByItem).
func whatsApp(c *collector, body []byte) error {
	if whatsAppOnePass(c, body) {
		return nil
	}
	return whatsAppItemByItem(c, body)
}

// waBody is a whole body typed down to its items, for the one pass. It
// holds every field the item-by-item reading decodes, so that it fails to
// decode whenever any item would; only bodies with plain names come here
// (plainNames), as a repeated name would be merged, not replaced.
type waBody struct {
	Object *string       `json:"object"`
	Entry  []waBodyEntry `json:"entry"`
}

type waBodyEntry struct {
	ID      flexID         `json:"id"`
	Changes []waBodyChange `json:"changes"`
}

type waBodyChange struct {
	Field string   `json:"field"`
	Value *waItems `json:"value"`
}

// waItems is a change's value, typed down to its items.
type waItems struct {
	Metadata struct {
		PhoneNumberID flexID `json:"phone_number_id"`
	} `json:"metadata"`
	Contacts      []waContact `json:"contacts"`
	Messages      []waMessage `json:"messages"`
	Statuses      []waStatus  `json:"statuses"`
	MessageEchoes []waMessage `json:"message_echoes"`
	Errors        []waError   `json:"errors"`
}

// whatsAppOnePass normalizes body decoded whole, and reports false, having
// emitted nothing, when its names are not plain, it does not decode or it
// is not an envelope whose changes all have a value.
func whatsAppOnePass(c *collector, body []byte) bool {
	var b waBody
	if !plainNames(body) || !decodeWABody(body, &b) || b.Object == nil || *b.Object != "whatsapp_business_account" {
		return false
	}
	for _, e := range b.Entry {
		for _, ch := range e.Changes {
			if waCarriesEvents(ch.Field) && ch.Value == nil {
				return false // a missing value is malformed item by item
			}
		}
	}
	for _, e := range b.Entry {
		for _, ch := range e.Changes {
			if !waCarriesEvents(ch.Field) {
				c.classify("field:"+ch.Field, "", "")
				continue
			}
			v := ch.Value
			account := string(v.Metadata.PhoneNumberID)
			for i := range v.Messages {
				waMessageEvent(c, account, v.Contacts, &v.Messages[i])
			}
			for i := range v.Statuses {
				waStatusEvent(c, account, &v.Statuses[i])
			}
			for i := range v.MessageEchoes {
				waEchoEvent(c, account, &v.MessageEchoes[i])
			}
			for _, e := range v.Errors {
				c.classify("errors", "", waErrorReason([]waError{e}))
			}
		}
	}
	return true
}

// waCarriesEvents reports whether a change's field carries conversation
// events.
func waCarriesEvents(field string) bool {
	return field == "messages" || field == "smb_message_echoes"
}

// whatsAppItemByItem decodes the envelope, each entry, change and item
// apart: a malformed one is skipped with its reason.
func whatsAppItemByItem(c *collector, body []byte) error {
	entries, err := decodeMetaEnvelope(c.ch, body, "whatsapp_business_account")
	if err != nil {
		return err
	}
	for _, raw := range entries {
		var e waEntry
		if err := decodeItem(raw, &e); err != nil {
			c.ignore("entry", "", err.Error())
			continue
		}
		for _, rawChange := range e.Changes {
			waChangeItems(c, rawChange)
		}
	}
	return nil
}

// waChangeItems normalizes every item of one change, in body order:
// messages, then statuses, then echoes, then errors.
func waChangeItems(c *collector, raw json.RawMessage) {
	var ch waChange
	if err := decodeItem(raw, &ch); err != nil {
		c.ignore("change", "", err.Error())
		return
	}
	if !waCarriesEvents(ch.Field) {
		c.classify("field:"+ch.Field, "", "")
		return
	}
	var v waValue
	if err := decodeItem(ch.Value, &v); err != nil {
		c.ignore("field:"+ch.Field, "", err.Error())
		return
	}
	account := string(v.Metadata.PhoneNumberID)
	var contacts []waContact
	_ = json.Unmarshal(v.Contacts, &contacts) // malformed contacts only lose the BSUID and name lookups
	eachItem(c, "message", v.Messages, func(m *waMessage) { waMessageEvent(c, account, contacts, m) })
	eachItem(c, "status", v.Statuses, func(s *waStatus) { waStatusEvent(c, account, s) })
	eachItem(c, "echo", v.MessageEchoes, func(m *waMessage) { waEchoEvent(c, account, m) })
	for _, raw := range v.Errors {
		var e waError
		_ = json.Unmarshal(raw, &e) // best effort: the code is only kept for logs
		c.classify("errors", "", waErrorReason([]waError{e}))
	}
}

// waStatusEvent maps a status of a business message: delivered → delivery,
// read → read; sent, failed, played and unknown statuses are ignored with
// the status in their type and a failure's error code in the reason.
func waStatusEvent(c *collector, account string, s *waStatus) {
	var kind schemas.Kind
	switch s.Status {
	case "delivered":
		kind = schemas.KindDelivery
	case "read":
		kind = schemas.KindRead
	default:
		c.classify("status:"+s.Status, string(s.ID), waErrorReason(s.Errors))
		return
	}
	if s.RecipientType == "group" {
		c.classify("status:group", string(s.ID), "group conversations are not supported")
		return
	}
	at, err := s.Timestamp.seconds()
	if err != nil {
		c.ignore("status:"+s.Status, string(s.ID), err.Error())
		return
	}
	customer, alt := waCustomer(s.RecipientID, s.RecipientUserID)
	c.emit("status:"+s.Status, schemas.Event{
		Kind: kind, ID: idWith(string(s.ID), s.Status),
		AccountID: account, CustomerID: customer, CustomerAltID: alt,
		MessageID: string(s.ID), TargetMessageID: string(s.ID),
		OccurredAt: at, Status: s.Status,
	})
}

// waCustomer picks the customer id: the phone number (wa_id) when present,
// else the business-scoped user id; the BSUID is also kept as the alt id.
func waCustomer(phone, bsuid flexID) (customer, alt string) {
	if phone != "" {
		if bsuid != phone {
			alt = string(bsuid)
		}
		return string(phone), alt
	}
	return string(bsuid), ""
}

// waErrorReason renders the first error of a list as "error <code>: <title>".
func waErrorReason(errs []waError) string {
	if len(errs) == 0 || (errs[0].Code == "" && errs[0].Title == "") {
		return ""
	}
	return fmt.Sprintf("error %s: %s", errs[0].Code, errs[0].Title)
}

// idWith joins a platform id and a suffix into a dedup id, "" when the
// platform id is missing.
func idWith(id string, suffix ...string) string {
	if id == "" {
		return ""
	}
	for _, s := range suffix {
		id += ":" + s
	}
	return id
}
