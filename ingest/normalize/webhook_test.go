package normalize

import (
	"errors"
	"testing"

	"github.com/floorwatch/floorwatch/schemas"
)

func TestWebhookRejectsBodiesWithNoEnvelope(t *testing.T) {
	cases := []struct {
		name string
		ch   schemas.Channel
		body string
	}{
		{"not JSON", schemas.WhatsApp, `{"object":`},
		{"empty body", schemas.Messenger, ``},
		{"a JSON array", schemas.WhatsApp, `[]`},
		{"no object field", schemas.WhatsApp, `{"entry":[]}`},
		{"a Messenger body on the WhatsApp route", schemas.WhatsApp, `{"object":"page","entry":[]}`},
		{"an Instagram body on the Messenger route", schemas.Messenger, `{"object":"instagram","entry":[]}`},
		{"entry is not an array", schemas.Instagram, `{"object":"instagram","entry":{}}`},
		{"an X body with no known key", schemas.X, `{"hello":"world"}`},
		{"an X data envelope with no event type", schemas.X, `{"data":{"payload":{}}}`},
		{"an X for_user_id that is an object", schemas.X, `{"for_user_id":{},"direct_message_events":[]}`},
		{"an unknown channel", schemas.Channel("sms"), `{}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := Webhook(c.ch, []byte(c.body), testReceivedAt())
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a *ParseError", err)
			}
			if len(res.Events) != 0 || len(res.Ignored) != 0 {
				t.Errorf("a parse error came with a result: %+v", res)
			}
		})
	}
}

func TestWebhookAcceptsAnEmptyBatch(t *testing.T) {
	for ch, body := range map[schemas.Channel]string{
		schemas.WhatsApp:  `{"object":"whatsapp_business_account","entry":[]}`,
		schemas.Messenger: `{"object":"page","entry":[]}`,
		schemas.Instagram: `{"object":"instagram"}`,
		schemas.X:         `{"for_user_id":"4337869213","direct_message_events":[]}`,
	} {
		res, err := Webhook(ch, []byte(body), testReceivedAt())
		if err != nil || len(res.Events)+len(res.Ignored) != 0 {
			t.Errorf("%s: %+v, %v; want nothing and no error", ch, res, err)
		}
	}
}

// X ids beyond 2^53 must survive as their exact digits, even when sent as
// JSON numbers: a float64 round trip would turn ...999 into ...000.
func TestXIdsBeyond2To53StayExact(t *testing.T) {
	body := `{"for_user_id":1580000000000000001,"direct_message_events":[{"type":"message_create",
	"id":1866540924412260999,"created_timestamp":"1795165500000","message_create":{"target":
	{"recipient_id":1580000000000000001},"sender_id":18014398509481985,"message_data":{"text":"hi"}}}]}`
	res, err := Webhook(schemas.X, []byte(body), testReceivedAt())
	if err != nil || len(res.Events) != 1 {
		t.Fatalf("got %+v, %v", res, err)
	}
	e := res.Events[0]
	if e.ID != "1866540924412260999" || e.AccountID != "1580000000000000001" || e.CustomerID != "18014398509481985" {
		t.Errorf("ids changed: id %s account %s customer %s", e.ID, e.AccountID, e.CustomerID)
	}
}
