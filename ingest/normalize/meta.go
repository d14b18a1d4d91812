package normalize

import (
	"slices"

	json "github.com/goccy/go-json"

	"github.com/floorwatch/floorwatch/schemas"
)

// metaEnvelope is the outer shape every Meta webhook shares:
// {"object": ..., "entry": [...]}.
type metaEnvelope struct {
	Object *string           `json:"object"`
	Entry  []json.RawMessage `json:"entry"`
}

// decodeMetaEnvelope checks that body is a Meta envelope of object want
// and returns its entries, each still raw so one bad entry cannot spoil
// the rest.
func decodeMetaEnvelope(ch schemas.Channel, body []byte, want string) ([]json.RawMessage, error) {
	var env metaEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, &ParseError{Channel: ch, Reason: "not a webhook envelope: " + oneLine(err)}
	}
	switch {
	case env.Object == nil:
		return nil, &ParseError{Channel: ch, Reason: `no "object" field`}
	case *env.Object != want:
		return nil, &ParseError{Channel: ch, Reason: `object is ` + quoteShort(*env.Object) + `, want "` + want + `"`}
	}
	return env.Entry, nil
}

// The app ids of Meta's Page Inbox, the app a human agent uses to answer
// from the Page itself. The 15-digit id is the one Conversation Routing
// documents; the echoes reference prints a 14-digit variant, accepted too
// (docs/events.md, decisions).
const (
	pageInboxAppID      = "263902037430900"
	pageInboxAppIDShort = "26390203743090"
)

// isPageInbox reports whether an echo's app_id is the Page Inbox app.
func isPageInbox(appID string) bool {
	return appID == pageInboxAppID || appID == pageInboxAppIDShort
}

// metaEntry is one entry of a Messenger or Instagram webhook: the Page or
// professional account (ID), its messaging items, the items it receives
// while another app owns the thread (standby) and feed-style changes.
type metaEntry struct {
	ID        flexID            `json:"id"`
	Time      stamp             `json:"time"`
	Messaging []json.RawMessage `json:"messaging"`
	Standby   []json.RawMessage `json:"standby"`
	Changes   []json.RawMessage `json:"changes"`
}

// metaItem is one messaging[] or standby[] item. Exactly one of the event
// pointers is normally set; items with none are classified by their key.
type metaItem struct {
	Sender struct {
		ID flexID `json:"id"`
	} `json:"sender"`
	Recipient struct {
		ID flexID `json:"id"`
	} `json:"recipient"`
	Timestamp stamp         `json:"timestamp"`
	Message   *metaMessage  `json:"message"`
	Delivery  *metaDelivery `json:"delivery"`
	Read      *metaRead     `json:"read"`
	Reaction  *metaReaction `json:"reaction"`
	Postback  *metaPostback `json:"postback"`
}

// metaMessaging normalizes a Messenger (object "page") or Instagram
// (object "instagram") webhook body. Standby items are normalized like
// messaging items: the customer wrote or read whichever app owns the thread.
func metaMessaging(c *collector, body []byte, object string) error {
	entries, err := decodeMetaEnvelope(c.ch, body, object)
	if err != nil {
		return err
	}
	for _, raw := range entries {
		var e metaEntry
		if err := decodeItem(raw, &e); err != nil {
			c.ignore("entry", "", err.Error())
			continue
		}
		for _, item := range e.Messaging {
			metaItemEvents(c, &e, item)
		}
		for _, item := range e.Standby {
			metaItemEvents(c, &e, item)
		}
		for _, change := range e.Changes {
			var ch struct {
				Field string `json:"field"`
			}
			_ = json.Unmarshal(change, &ch) // only the name is kept, for metrics
			c.classify("field:"+ch.Field, "", "")
		}
	}
	return nil
}

// metaItemEvents dispatches one item on the event key it carries.
func metaItemEvents(c *collector, e *metaEntry, raw json.RawMessage) {
	var it metaItem
	if err := decodeItem(raw, &it); err != nil {
		c.ignore("item", "", err.Error())
		return
	}
	at, err := it.Timestamp.metaMillis()
	if it.Timestamp == "" {
		at, err = e.Time.metaMillis()
	}
	if err != nil {
		c.ignore(metaItemKey(raw), "", err.Error())
		return
	}
	base := schemas.Event{AccountID: string(e.ID), CustomerID: string(it.Sender.ID), OccurredAt: at}
	switch {
	case it.Message != nil:
		metaMessageEvent(c, base, &it)
	case it.Delivery != nil:
		metaDeliveryEvents(c, base, it.Delivery)
	case it.Read != nil:
		metaReadEvent(c, base, it.Read)
	case it.Reaction != nil:
		metaReactionEvent(c, base, it.Reaction, it.Timestamp)
	case it.Postback != nil:
		metaPostbackEvent(c, base, it.Postback, it.Timestamp)
	default:
		c.classify(metaItemKey(raw), "", "")
	}
}

// metaItemKey names an item by its event key (referral, optin,
// pass_thread_control, message_edit...), the first key in sorted order
// that is not sender, recipient or timestamp.
func metaItemKey(raw json.RawMessage) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return "item"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		if k != "sender" && k != "recipient" && k != "timestamp" {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return "item"
	}
	slices.Sort(keys)
	return keys[0]
}
