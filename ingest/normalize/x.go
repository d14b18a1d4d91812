package normalize

import (
	"slices"
	"strings"

	json "github.com/goccy/go-json"
)

// X webhooks come in two envelopes, both signed the same way:
//
//   - Account Activity API: {"for_user_id": business, "<kind>_events": [...]}
//     with direct_message_events, direct_message_mark_read_events,
//     direct_message_indicate_typing_events, tweet_create_events...;
//   - X Activity API: {"data": {"event_uuid", "event_type": "dm.received",
//     "filter": {"user_id": business}, "payload": {<Account Activity arrays>}}}.
//
// Ids are kept as strings: X ids exceed 2^53 and some arrive as numbers.

// xActivity is the X Activity API envelope's data object.
type xActivity struct {
	EventUUID flexID `json:"event_uuid"`
	EventType string `json:"event_type"`
	Filter    struct {
		UserID flexID `json:"user_id"`
	} `json:"filter"`
	Payload json.RawMessage `json:"payload"`
}

func xWebhook(c *collector, body []byte) error {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return &ParseError{Channel: c.ch, Reason: "not a webhook envelope: " + oneLine(err)}
	}
	if data, ok := top["data"]; ok {
		return xActivityEvents(c, data)
	}
	if !isXAccountActivity(top) {
		return &ParseError{Channel: c.ch, Reason: "no for_user_id, event array or data envelope"}
	}
	var business flexID
	if raw, ok := top["for_user_id"]; ok {
		if err := json.Unmarshal(raw, &business); err != nil {
			return &ParseError{Channel: c.ch, Reason: "for_user_id: " + oneLine(err)}
		}
	}
	xAccountActivity(c, string(business), top)
	return nil
}

// isXAccountActivity reports whether top has the shape of an Account
// Activity body: a for_user_id or at least one event array.
func isXAccountActivity(top map[string]json.RawMessage) bool {
	for k := range top {
		if k == "for_user_id" || isXEventKey(k) {
			return true
		}
	}
	return false
}

func isXEventKey(k string) bool {
	return strings.HasSuffix(k, "_events") || k == "user_event" || k == "replay_job_status"
}

// xActivityEvents handles the X Activity API envelope. DM events carry the
// Account Activity arrays in their payload; every other event type
// (posts, follows, encrypted chat...) is ignored by its type.
func xActivityEvents(c *collector, data json.RawMessage) error {
	var a xActivity
	if err := json.Unmarshal(data, &a); err != nil {
		return &ParseError{Channel: c.ch, Reason: "data envelope: " + oneLine(err)}
	}
	if a.EventType == "" {
		return &ParseError{Channel: c.ch, Reason: "data envelope has no event_type"}
	}
	switch a.EventType {
	case "dm.received", "dm.sent", "dm.read":
	case "dm.indicate_typing":
		c.classify("typing", string(a.EventUUID), "")
		return nil
	default:
		c.classify(a.EventType, string(a.EventUUID), "")
		return nil
	}
	var payload map[string]json.RawMessage
	if err := json.Unmarshal(a.Payload, &payload); err != nil || len(payload) == 0 {
		c.ignore(a.EventType, string(a.EventUUID), "no payload object")
		return nil
	}
	business := a.Filter.UserID
	if business == "" {
		_ = json.Unmarshal(payload["for_user_id"], &business) // absent stays ""
	}
	xAccountActivity(c, string(business), payload)
	return nil
}

// xAccountActivity normalizes the event arrays of an Account Activity body
// for the subscribed account business: DMs first, then read receipts,
// then every other array in key order, each item ignored by its kind.
func xAccountActivity(c *collector, business string, top map[string]json.RawMessage) {
	for _, raw := range xArray(c, top, "direct_message_events") {
		xDMEvent(c, business, raw)
	}
	for _, raw := range xArray(c, top, "direct_message_mark_read_events") {
		xReadEvent(c, business, raw)
	}
	keys := make([]string, 0, len(top))
	for k := range top {
		if isXEventKey(k) && k != "direct_message_events" && k != "direct_message_mark_read_events" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		name := xKindName(k)
		if k == "user_event" || k == "replay_job_status" {
			c.classify(name, "", "")
			continue
		}
		for range xArray(c, top, k) {
			c.classify(name, "", "")
		}
	}
}

// xArray decodes top[key] as an array of raw items; a value that is not an
// array is recorded as one malformed item.
func xArray(c *collector, top map[string]json.RawMessage, key string) []json.RawMessage {
	raw, ok := top[key]
	if !ok {
		return nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		c.ignore(xKindName(key), "", key+" is not an array")
		return nil
	}
	return items
}

// xKindName is the short name of an event array: "typing" for typing
// indicators, else the key without "_events" (tweet_create, follow...).
func xKindName(key string) string {
	if key == "direct_message_indicate_typing_events" {
		return "typing"
	}
	return strings.TrimSuffix(key, "_events")
}
