package normalize

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/floorwatch/floorwatch/schemas"
)

// Fuzzers start from every fixture of their channel and check that no body
// panics, that a failure is a *ParseError with nothing else, and that every
// event can be keyed. Crashers found are kept in testdata/fuzz.

func FuzzWebhookWhatsApp(f *testing.F)  { fuzzWebhook(f, schemas.WhatsApp) }
func FuzzWebhookMessenger(f *testing.F) { fuzzWebhook(f, schemas.Messenger) }
func FuzzWebhookInstagram(f *testing.F) { fuzzWebhook(f, schemas.Instagram) }
func FuzzWebhookX(f *testing.F)         { fuzzWebhook(f, schemas.X) }

func fuzzWebhook(f *testing.F, ch schemas.Channel) {
	seedFixtures(f, string(ch))
	f.Fuzz(func(t *testing.T, body []byte) {
		res, err := Webhook(ch, body, testReceivedAt())
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || len(res.Events)+len(res.Ignored) != 0 {
				t.Fatalf("error %v (%T) with result %+v", err, err, res)
			}
			return
		}
		for i := range res.Events {
			checkEvent(t, ch, &res.Events[i])
		}
		for _, ig := range res.Ignored {
			if ig.Type == "" {
				t.Errorf("ignored item with no type: %+v", ig)
			}
		}
	})
}

func FuzzPlatformEvents(f *testing.F) {
	seedFixtures(f, "platform")
	f.Add([]byte(`{"events":[{"id":"e","type":"operator.status","occurred_at":"2026-11-20T09:00:00Z","operator":"a","status":"away"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		events, err := PlatformEvents(body, "acme", testReceivedAt(), 50)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field == "" || events != nil {
				t.Fatalf("error %v (%T) with %d events", err, err, len(events))
			}
			return
		}
		for _, e := range events {
			if e.ID == "" || !e.Kind.IsPlatform() || e.OccurredAt.IsZero() || e.Tenant != "acme" {
				t.Errorf("invalid event %+v", e)
			}
			if e.Kind != schemas.KindOperatorStatus && (!e.Channel.Valid() || e.AccountID == "" || e.CustomerID == "" ||
				!validKeyPart(e.AccountID) || !validKeyPart(e.CustomerID)) {
				t.Errorf("conversation event cannot be keyed: %+v", e)
			}
		}
	})
}

// seedFixtures adds every testdata/<dir>/*.json body to the corpus.
func seedFixtures(f *testing.F, dir string) {
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no fixtures in testdata/%s: %v", dir, err)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}
