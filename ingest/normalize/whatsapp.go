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

func whatsApp(c *collector, body []byte) error {
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
	if ch.Field != "messages" && ch.Field != "smb_message_echoes" {
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
	for _, m := range v.Messages {
		waMessageItem(c, account, contacts, m)
	}
	for _, s := range v.Statuses {
		waStatusItem(c, account, s)
	}
	for _, m := range v.MessageEchoes {
		waEchoItem(c, account, m)
	}
	for _, raw := range v.Errors {
		var e waError
		_ = json.Unmarshal(raw, &e) // best effort: the code is only kept for logs
		c.classify("errors", "", waErrorReason([]waError{e}))
	}
}

// waStatusItem maps a status of a business message: delivered → delivery,
// read → read; sent, failed, played and unknown statuses are ignored with
// the status in their type and a failure's error code in the reason.
func waStatusItem(c *collector, account string, raw json.RawMessage) {
	var s waStatus
	if err := decodeItem(raw, &s); err != nil {
		c.ignore("status", "", err.Error())
		return
	}
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
