package normalize

import (
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	gojson "github.com/goccy/go-json"

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

// FuzzVerifySignatures: whatever header arrives with whatever body, the
// checks never panic and accept only the true signature; the handshakes
// never answer an unsafe challenge or CRC token.
func FuzzVerifySignatures(f *testing.F) {
	secret := []byte("fuzz-secret")
	body := []byte(`{"object":"page"}`)
	f.Add(body, SignMeta(secret, body), SignX(secret, body), "1158201444", "9b4507b3-9040-4669")
	f.Add(body, "sha256=", "sha256=====", "<script>", `{"a":1}`)
	f.Add([]byte{}, "sha256="+strings.Repeat("0", 64), "sha256="+strings.Repeat("A", 43)+"=", "", "")
	f.Fuzz(func(t *testing.T, body []byte, metaHeader, xHeader, challenge, crc string) {
		if VerifyMeta(secret, body, metaHeader) != (metaHeader == SignMeta(secret, body) ||
			strings.EqualFold(metaHeader, SignMeta(secret, body)) && strings.HasPrefix(metaHeader, "sha256=")) {
			t.Fatalf("VerifyMeta(%q) disagrees with the true signature %s", metaHeader, SignMeta(secret, body))
		}
		if VerifyX(secret, body, xHeader) != (xHeader == SignX(secret, body)) {
			t.Fatalf("VerifyX(%q) disagrees with the true signature %s", xHeader, SignX(secret, body))
		}
		if VerifyMeta(nil, body, metaHeader) || VerifyX(nil, body, xHeader) {
			t.Fatal("an empty secret verified")
		}
		q := url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {"token"}, "hub.challenge": {challenge}}
		if got, ok := MetaChallenge(q, [][]byte{[]byte("token")}); ok && (got != challenge || strings.ContainsAny(got, "<>\"'&{ ")) {
			t.Fatalf("challenge %q answered as %q", challenge, got)
		}
		if ValidCRCToken(crc) && (strings.ContainsAny(crc, "{}\"<>' \n") || len(crc) > 256) {
			t.Fatalf("crc_token %q accepted", crc)
		}
	})
}

// FuzzWhatsAppOnePassMatchesItemByItem: whenever a body reads in one pass,
// reading it item by item gives the same result, so the fast path never
// changes what a body means.
func FuzzWhatsAppOnePassMatchesItemByItem(f *testing.F) {
	seedFixtures(f, string(schemas.WhatsApp))
	for _, body := range []string{
		`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages"}]}]}`,
		`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":null}]}]}`,
		`{"object":"whatsapp_business_account","entry":[null,{"changes":[null,{"field":"x","value":5}]}]}`,
		`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[null],"contacts":7}}]}]}`,
		`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"errors":[{"code":"x"},3]}}]}]}`,
		`{"object":"whatsapp_business_account","entry":[{"id":{},"changes":[]}]}`,
		`{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"messages":[{"id":"1"}]},"vAlue":{},"field":"messages"}]}]}`,
		`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"from":"1\u00e9","id":"a\"b","timestamp":1795165205}]}}]}]}`,
	} {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		one := newCollector(schemas.WhatsApp, testReceivedAt())
		if !json.Valid(body) || !whatsAppOnePass(one, body) {
			return
		}
		each := newCollector(schemas.WhatsApp, testReceivedAt())
		if err := whatsAppItemByItem(each, body); err != nil {
			t.Fatalf("read in one pass, but item by item: %v", err)
		}
		if !reflect.DeepEqual(one.res, each.res) {
			t.Fatalf("one pass:\n%+v\nitem by item:\n%+v", one.res, each.res)
		}
	})
}

// FuzzWhatsAppDecoderMatchesTheTypedDecoder: whenever decodeWABody reads a
// body (valid JSON with plain names, as whatsAppOnePass gives it), it
// reads what the typed decoder reads.
func FuzzWhatsAppDecoderMatchesTheTypedDecoder(f *testing.F) {
	seedFixtures(f, string(schemas.WhatsApp))
	for _, body := range []string{
		`{"object":"whatsapp_business_account","entry":[{"id":5,"changes":[{"field":"messages","value":{"messages":[{"from":"1","id":"w","timestamp":"1795165205","type":"text","text":{"body":"Caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \n"}}]}}]}]}`,
		`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"text":{"body":"\ud83d"}}]}}]}]}`,
		`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"Text":{"body":"x"}}]}}]}]}`,
		`{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"text":null,"context":{},"interactive":{"nfm_reply":{"body":"b"}}}]}}]}]}`,
		`{"object":null,"entry":null}`,
		` { "object" : "whatsapp_business_account" , "entry" : [ { "changes" : [ { "value" : { "statuses" : [ { "errors" : [ { "code" : 131047 , "title" : "t" } ] , "extra" : [ 1 , { "a" : [ ] } , -2.5e3 , true ] } ] } } ] } ] } `,
	} {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var mine waBody
		if !json.Valid(body) || !plainNames(body) || !decodeWABody(body, &mine) {
			return
		}
		var typed waBody
		if err := gojson.Unmarshal(body, &typed); err != nil {
			t.Fatalf("decodeWABody read it, the typed decoder refuses it: %v", err)
		}
		if !reflect.DeepEqual(mine, typed) {
			t.Fatalf("decodeWABody:\n%s\ntyped decoder:\n%s", dump(mine), dump(typed))
		}
	})
}

func dump(b waBody) string {
	out, _ := json.Marshal(b)
	return string(out)
}

// Every WhatsApp fixture the typed decoder reads takes the fast decoder:
// refusing is always safe, but should stay rare.
func TestTheWhatsAppFixturesTakeTheFastDecoder(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", string(schemas.WhatsApp), "*.json"))
	fast := 0
	for _, file := range files {
		body, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var typed, mine waBody
		if !json.Valid(body) || !plainNames(body) || gojson.Unmarshal(body, &typed) != nil {
			continue
		}
		if !decodeWABody(body, &mine) {
			t.Errorf("%s: the fast decoder refuses what the typed decoder reads", file)
			continue
		}
		fast++
	}
	if fast < 10 {
		t.Errorf("only %d fixtures read by the fast decoder", fast)
	}
}
