package normalize

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/floorwatch/floorwatch/schemas"
)

func TestPlatformEventsBatchMatchesItsGoldenFile(t *testing.T) {
	body, err := os.ReadFile("testdata/platform/batch.json")
	if err != nil {
		t.Fatal(err)
	}
	events, err := PlatformEvents(body, "acme", testReceivedAt(), 100)
	if err != nil {
		t.Fatalf("PlatformEvents: %v", err)
	}
	compareGolden(t, "testdata/platform/batch.golden.jsonl", renderResult(t, Result{Events: events}))
}

// Each scenario breaks one field of an otherwise valid event; the error
// must name exactly that field, and nothing may be returned with it.
func TestPlatformEventsNamesTheFirstInvalidField(t *testing.T) {
	const ok = `{"id":"e1","type":"conversation.assigned","occurred_at":"2026-11-20T09:00:00Z","conversation":{"channel":"whatsapp","account_id":"a","customer_id":"c"},"operator":"ana"}`
	cases := []struct {
		name, body, field string
	}{
		{"a body that is not JSON", `{"events":`, "body"},
		{"a body that is an array", `[]`, "body"},
		{"no events key", `{}`, "events"},
		{"events that is not an array", `{"events":{}}`, "events"},
		{"more events than the limit", `{"events":[` + ok + `,` + ok + `,` + ok + `]}`, "events"},
		{"an event that is not an object", `{"events":[` + ok + `,7]}`, "events[1]"},
		{"a null event", `{"events":[null]}`, "events[0]"},
		{"no id", `{"events":[{"type":"conversation.closed"}]}`, "events[0].id"},
		{"an id that is a number", `{"events":[{"id":5}]}`, "events[0].id"},
		{"no type", `{"events":[{"id":"e"}]}`, "events[0].type"},
		{"a supervisor source", `{"events":[{"id":"e","type":"conversation.transferred","source":"supervisor"}]}`, "events[0].source"},
		{"a conversation id", `{"events":[{"id":"e","type":"conversation.recovered","conversation_id":null}]}`, "events[0].conversation_id"},
		{"an unknown type", `{"events":[{"id":"e","type":"conversation.opened"}]}`, "events[0].type"},
		{"no occurred_at", `{"events":[{"id":"e","type":"conversation.closed"}]}`, "events[0].occurred_at"},
		{"a Unix occurred_at", `{"events":[{"id":"e","type":"conversation.closed","occurred_at":"1795165205"}]}`, "events[0].occurred_at"},
		{"an occurred_at before 2001", `{"events":[{"id":"e","type":"conversation.closed","occurred_at":"1970-01-01T00:00:00Z"}]}`, "events[0].occurred_at"},
		{"no conversation", `{"events":[{"id":"e","type":"conversation.closed","occurred_at":"2026-11-20T09:00:00Z"}]}`, "events[0].conversation"},
		{"a conversation that is a string", `{"events":[{"id":"e","type":"conversation.closed","occurred_at":"2026-11-20T09:00:00Z","conversation":"x"}]}`, "events[0].conversation"},
		{"an unknown channel", batchOf(strings.Replace(ok, `"whatsapp"`, `"sms"`, 1)), "events[0].conversation.channel"},
		{"a channel that is a number", batchOf(strings.Replace(ok, `"whatsapp"`, `3`, 1)), "events[0].conversation.channel"},
		{"no account", batchOf(strings.Replace(ok, `"account_id":"a"`, `"account_id":""`, 1)), "events[0].conversation.account_id"},
		{"a customer with the key separator", batchOf(strings.Replace(ok, `"customer_id":"c"`, `"customer_id":"c|d"`, 1)), "events[0].conversation.customer_id"},
		{"an assignment with no operator", batchOf(strings.Replace(ok, `,"operator":"ana"`, ``, 1)), "events[0].operator"},
		{"a routing with no team", `{"events":[{"id":"e","type":"conversation.routed","occurred_at":"2026-11-20T09:00:00Z","conversation":{"channel":"x","account_id":"a","customer_id":"c"}}]}`, "events[0].team"},
		{"a reply with no operator", `{"events":[{"id":"e","type":"operator.replied","occurred_at":"2026-11-20T09:00:00Z","conversation":{"channel":"x","account_id":"a","customer_id":"c"}}]}`, "events[0].operator"},
		{"a presence with no operator", `{"events":[{"id":"e","type":"operator.status","occurred_at":"2026-11-20T09:00:00Z","status":"away"}]}`, "events[0].operator"},
		{"a presence with no status", `{"events":[{"id":"e","type":"operator.status","occurred_at":"2026-11-20T09:00:00Z","operator":"ana"}]}`, "events[0].status"},
		{"a presence with an unknown status", `{"events":[{"id":"e","type":"operator.status","occurred_at":"2026-11-20T09:00:00Z","operator":"ana","status":"busy"}]}`, "events[0].status"},
		{"a second event that is wrong", `{"events":[` + ok + `,` + strings.Replace(ok, `"operator":"ana"`, `"operator":["ana"]`, 1) + `]}`, "events[1].operator"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			events, err := PlatformEvents([]byte(c.body), "acme", testReceivedAt(), 2)
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a *FieldError", err)
			}
			if fe.Field != c.field {
				t.Errorf("field = %q (%s), want %q", fe.Field, fe.Msg, c.field)
			}
			if events != nil {
				t.Errorf("events returned with an error: %+v", events)
			}
		})
	}
}

func TestPlatformEventsFillsTheEventFields(t *testing.T) {
	body := `{"events":[{"id":"e1","type":"conversation.routed","occurred_at":"2026-11-20T10:00:05+01:00",
	"conversation":{"channel":"x","account_id":"a","customer_id":"c"},"team":"billing","extra":{"ignored":true}}]}`
	events, err := PlatformEvents([]byte(body), "acme", testReceivedAt(), 0)
	if err != nil || len(events) != 1 {
		t.Fatalf("got %+v, %v", events, err)
	}
	e := events[0]
	want := schemas.Event{V: schemas.EventVersion, Kind: schemas.KindRouted, ID: "e1", Tenant: "acme",
		Channel: schemas.X, AccountID: "a", CustomerID: "c", Team: "billing",
		InteractionType: schemas.DefaultInteractionType,
		OccurredAt:      schemas.At(testReceivedAt().Add(-25e9)), ReceivedAt: schemas.At(testReceivedAt())}
	if e != want {
		t.Errorf("event\n got %+v\nwant %+v", e, want)
	}
}

// batchOf wraps one event in a batch body.
func batchOf(event string) string { return `{"events":[` + event + `]}` }
