package schemas

import (
	"testing"
	"time"
)

// sampleEvent has every field set, as a WhatsApp message normalizes.
func sampleEvent() Event {
	return Event{V: EventVersion, Kind: KindCustomerMessage, ID: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=",
		Tenant: "acme", Channel: WhatsApp, AccountID: "106540352242922", CustomerID: "16505551234",
		CustomerAltID: "US.13491208655302741918", MessageID: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=",
		TargetMessageID: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAB=",
		OccurredAt:      At(time.Date(2026, 11, 20, 9, 0, 5, 0, time.UTC)), ReceivedAt: At(time.Date(2026, 11, 20, 9, 0, 5, 412e6, time.UTC)),
		Text: "Does it come in another color? Café or crème 😀", ContentType: "text", Status: "delivered", ErrorCode: "131051",
		AppID: "263902037430900", HumanAgent: true, InteractionType: "messaging", Team: "billing", Operator: "ana",
		ToTeam: "refunds", ToOperator: "bo"}
}

func TestAnEventSurvivesTheCodec(t *testing.T) {
	e := sampleEvent()
	b, err := MarshalEvent(&e)
	if err != nil {
		t.Fatal(err)
	}
	got, err := UnmarshalEvent(b)
	if err != nil {
		t.Fatal(err)
	}
	if got != e {
		t.Errorf("round trip changed the event:\n got %+v\nwant %+v", got, e)
	}
}

func TestTheCodecRefusesUnknownVersionsAndGarbage(t *testing.T) {
	for _, in := range []string{`{"v":2,"id":"a"}`, `{"id":"a"}`, `not json`, `[]`} {
		if _, err := UnmarshalEvent([]byte(in)); err == nil {
			t.Errorf("UnmarshalEvent(%s) succeeded, want an error", in)
		}
	}
}

func TestADeadLetterSurvivesTheCodec(t *testing.T) {
	d := DeadLetter{V: DeadLetterVersion, Stage: "ingest", Reason: "whatsapp webhook: body is not JSON", Source: "/webhooks/whatsapp",
		Tenant: "acme", ReceivedAt: At(time.Date(2026, 11, 20, 9, 0, 5, 0, time.UTC)),
		Headers: map[string]string{"X-Hub-Signature-256": "sha256=00"}, Body: "\xff not json {\u00e9"}
	b, err := MarshalDeadLetter(&d)
	if err != nil {
		t.Fatal(err)
	}
	got, err := UnmarshalDeadLetter(b)
	if err != nil {
		t.Fatal(err)
	}
	// A body that is not UTF-8 still comes back byte for byte.
	if got.Body != d.Body || got.Reason != d.Reason || got.Headers["X-Hub-Signature-256"] != "sha256=00" {
		t.Errorf("round trip changed the dead letter: %+v", got)
	}
}

// FuzzUnmarshalEvent: decoding never panics, and what decodes re-encodes
// to something that decodes to the same event.
func FuzzUnmarshalEvent(f *testing.F) {
	e := sampleEvent()
	b, _ := MarshalEvent(&e)
	f.Add(b)
	f.Add([]byte(`{"v":1,"occurred_at":null}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		e, err := UnmarshalEvent(in)
		if err != nil {
			return
		}
		out, err := MarshalEvent(&e)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		again, err := UnmarshalEvent(out)
		if err != nil || again != e {
			t.Fatalf("re-decoded %+v, %v; want %+v", again, err, e)
		}
	})
}
