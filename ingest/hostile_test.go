package ingest_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/ingest"
	"github.com/floorwatch/floorwatch/ingest/decode"
	"github.com/floorwatch/floorwatch/schemas"
	"path/filepath"
)

// Hostile inputs (docs/reliability.md): every one is answered with its
// status, and publishes exactly what it should (usually nothing); none
// crashes the server or crosses a tenant boundary.

// hostile is one hostile request and what it must get.
type hostile struct {
	name, method, path string
	body               []byte
	header             []string
	status             int
	// events and deadLetters are the records it must publish.
	events, deadLetters int
	// check, when set, looks at the records published and the answer.
	check func(t *testing.T, recs published, resp string)
}

// published are the records one request wrote, by topic.
type published struct{ events, status, deadLetters []schemas.Event }

func rawMAC(secret string, body []byte) []byte {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write(body)
	return h.Sum(nil)
}

// hostileServer serves tenants.yaml with a 1 MiB body limit (so that
// deep nesting fits) through a fake Kafka.
func hostileServer(t *testing.T) (*testServer, []string) {
	t.Helper()
	k := fakeKafka(t)
	cfg, err := config.Load(filepath.Join(fixtures, "tenants.yaml"), func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	d := decode.NewDecoder(cfg.Directory(), decode.Options{MaxBodyBytes: 1 << 20, MaxBatchEvents: 100, Verify: true})
	s := startServer(t, newProducer(t, k.ListenAddrs()), func(o *ingest.ServerOptions) { o.Decoder = d })
	return s, k.ListenAddrs()
}

func runHostile(t *testing.T, cases []hostile) {
	t.Helper()
	s, brokers := hostileServer(t)
	topics := schemas.NewTopics("")
	// Records already read, by topic and partition/offset: the topics
	// have several partitions, so "new" is not "after the first n".
	seen := map[string]bool{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, resp, _ := send(t, c.method, s.URL+c.path, c.body, c.header...)
			if status != c.status {
				t.Errorf("status %d %s, want %d", status, resp, c.status)
			}
			var recs published
			for _, topic := range []string{topics.Events, topics.OperatorStatus, topics.IngestDeadLetters} {
				for _, r := range records(t, brokers, topic) {
					at := fmt.Sprintf("%s/%d@%d", r.Topic, r.Partition, r.Offset)
					if seen[at] {
						continue
					}
					seen[at] = true
					if !utf8.Valid(r.Value) || !json.Valid(r.Value) {
						t.Errorf("record on %s is not valid UTF-8 JSON: %q", topic, r.Value)
					}
					if topic == topics.IngestDeadLetters {
						dl, err := schemas.UnmarshalDeadLetter(r.Value)
						if err != nil {
							t.Fatal(err)
						}
						recs.deadLetters = append(recs.deadLetters, schemas.Event{Tenant: dl.Tenant, Text: dl.Body})
						continue
					}
					e, err := schemas.UnmarshalEvent(r.Value)
					if err != nil {
						t.Fatalf("record on %s: %v", topic, err)
					}
					if topic == topics.Events {
						recs.events = append(recs.events, e)
					} else {
						recs.status = append(recs.status, e)
					}
				}
			}
			if n := len(recs.events) + len(recs.status); n != c.events || len(recs.deadLetters) != c.deadLetters {
				t.Errorf("published %d events and %d dead letters, want %d and %d", n, len(recs.deadLetters), c.events, c.deadLetters)
			}
			if c.check != nil {
				c.check(t, recs, resp)
			}
		})
	}
}

func TestHostileSignaturesAreRefused(t *testing.T) {
	wa, x := body(t, "whatsapp.json"), body(t, "x.json")
	waMAC, xMAC := rawMAC(acmeWASecret, wa), rawMAC(acmeXSecret, x)
	good := metaSig(acmeWASecret, wa)
	const meta, xh = "X-Hub-Signature-256", "X-Twitter-Webhooks-Signature"
	sha1Sig := func() string {
		h := hmac.New(sha1.New, []byte(acmeWASecret))
		h.Write(wa)
		return "sha1=" + hex.EncodeToString(h.Sum(nil))
	}()
	// A lenient base64 decoder ignores the padding bits of the last
	// character: flip them and the same bytes decode, unless decoding is strict.
	xGood := base64.StdEncoding.EncodeToString(xMAC) // 43 characters and '='
	last := strings.Index("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", xGood[42:43])
	xPadBits := xGood[:42] + string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[last|1]) + "="
	runHostile(t, []hostile{
		{name: "a missing signature", method: "POST", path: "/webhooks/whatsapp", body: wa, status: 401},
		{name: "an empty signature", method: "POST", path: "/webhooks/whatsapp", body: wa, header: []string{meta, ""}, status: 401},
		{name: "a prefix and nothing else", method: "POST", path: "/webhooks/whatsapp", body: wa, header: []string{meta, "sha256="}, status: 401},
		{name: "the signature without its prefix", method: "POST", path: "/webhooks/whatsapp", body: wa, header: []string{meta, hex.EncodeToString(waMAC)}, status: 401},
		{name: "a malformed (non-hex) signature", method: "POST", path: "/webhooks/whatsapp", body: wa, header: []string{meta, "sha256=" + strings.Repeat("zz", 32)}, status: 401},
		{name: "a truncated signature", method: "POST", path: "/webhooks/whatsapp", body: wa, header: []string{meta, good[:len(good)-2]}, status: 401},
		{name: "a signature with a byte more", method: "POST", path: "/webhooks/whatsapp", body: wa, header: []string{meta, good + "00"}, status: 401},
		{name: "base64 where hex is expected", method: "POST", path: "/webhooks/whatsapp", body: wa, header: []string{meta, "sha256=" + base64.StdEncoding.EncodeToString(waMAC)}, status: 401},
		{name: "the legacy sha1 signature alone", method: "POST", path: "/webhooks/whatsapp", body: wa, header: []string{"X-Hub-Signature", sha1Sig}, status: 401},
		{name: "a signature of another body", method: "POST", path: "/webhooks/whatsapp", body: append([]byte(" "), wa...), header: []string{meta, good}, status: 401},
		{name: "a signature by a secret nobody configured", method: "POST", path: "/webhooks/whatsapp", body: wa, header: []string{meta, metaSig("guess", wa)}, status: 401},
		{name: "hex where base64 is expected", method: "POST", path: "/webhooks/x", body: x, header: []string{xh, "sha256=" + hex.EncodeToString(xMAC)}, status: 401},
		{name: "URL-safe base64 where standard is expected", method: "POST", path: "/webhooks/x", body: x, header: []string{xh, "sha256=" + base64.URLEncoding.EncodeToString(xMAC)},
			status: map[bool]int{true: 200, false: 401}[base64.URLEncoding.EncodeToString(xMAC) == xGood], events: map[bool]int{true: 1}[base64.URLEncoding.EncodeToString(xMAC) == xGood]},
		{name: "base64 with its padding bits changed", method: "POST", path: "/webhooks/x", body: x, header: []string{xh, "sha256=" + xPadBits}, status: 401},
		{name: "base64 without its padding", method: "POST", path: "/webhooks/x", body: x, header: []string{xh, "sha256=" + strings.TrimRight(xGood, "=")}, status: 401},
		{name: "a Meta signature header on X", method: "POST", path: "/webhooks/x", body: x, header: []string{meta, metaSig(acmeXSecret, x)}, status: 401},
		{name: "the good signature still passes", method: "POST", path: "/webhooks/whatsapp", body: wa, header: []string{meta, good}, status: 200, events: 1},
	})
}

func TestAnotherTenantsSecretOrRouteCrossesNoTenantBoundary(t *testing.T) {
	wa, waGlobex, ms, events := body(t, "whatsapp.json"), body(t, "whatsapp_globex.json"), body(t, "messenger.json"), body(t, "events.json")
	x := body(t, "x.json")
	const meta, xh = "X-Hub-Signature-256", "X-Twitter-Webhooks-Signature"
	noEvents := func(t *testing.T, recs published, _ string) {
		for _, dl := range recs.deadLetters {
			if dl.Tenant == "acme" {
				t.Errorf("dead letter filed under acme, whose account the signer does not own")
			}
		}
	}
	runHostile(t, []hostile{
		{name: "acme's body signed with globex's secret", method: "POST", path: "/webhooks/whatsapp", body: wa,
			header: []string{meta, metaSig("globex-wa-secret", wa)}, status: 200, deadLetters: 1, check: noEvents},
		{name: "globex's body signed with acme's secret", method: "POST", path: "/webhooks/whatsapp", body: waGlobex,
			header: []string{meta, metaSig(acmeWASecret, waGlobex)}, status: 200, deadLetters: 1},
		{name: "acme's signed WhatsApp body replayed to the Messenger route", method: "POST", path: "/webhooks/messenger", body: wa,
			header: []string{meta, metaSig(acmeWASecret, wa)}, status: 401},
		{name: "a Messenger body replayed to the Instagram route (same app secret)", method: "POST", path: "/webhooks/instagram", body: ms,
			header: []string{meta, metaSig(sharedMeta, ms)}, status: 200, deadLetters: 1},
		{name: "a signed X body naming another tenant in the query", method: "POST", path: "/webhooks/x?tenant=globex", body: x,
			header: []string{xh, xSig(acmeXSecret, x)}, status: 200, events: 1,
			check: func(t *testing.T, recs published, _ string) {
				if len(recs.events) == 1 && recs.events[0].Tenant != "acme" {
					t.Errorf("event went to %q, want the account's tenant acme", recs.events[0].Tenant)
				}
			}},
		{name: "acme's platform batch replayed with globex's key", method: "POST", path: "/v1/events", body: events,
			header: []string{"Authorization", "Bearer globex-key"}, status: 400,
			check: func(t *testing.T, _ published, resp string) {
				if !strings.Contains(resp, `"field":"events[0].conversation.account_id"`) {
					t.Errorf("400 %s, want it to name events[0].conversation.account_id", resp)
				}
			}},
	})
}

func TestAPIKeyVariantsAreRefused(t *testing.T) {
	events := body(t, "events.json")
	var cases []hostile
	for _, auth := range []string{"", "Bearer", "Bearer ", "acme-key", "Basic YWNtZS1rZXk6", "Bearer acme-key-", "Bearer acme-ke",
		"Bearer ACME-KEY", "Bearer\tacme-key", "Token acme-key", "Bearer globex-key acme-key"} {
		cases = append(cases, hostile{name: fmt.Sprintf("Authorization %q", auth), method: "POST", path: "/v1/events", body: events,
			header: []string{"Authorization", auth}, status: 401})
	}
	cases = append(cases,
		hostile{name: "the key in the query string", method: "POST", path: "/v1/events?api_key=acme-key", body: events, status: 401},
		hostile{name: "the key as bearer, lower-case scheme (accepted)", method: "POST", path: "/v1/events", body: events,
			header: []string{"Authorization", "bearer acme-key"}, status: 200, events: 3})
	runHostile(t, cases)
}

func TestCRCAbuseSignsNothingAnAttackerChose(t *testing.T) {
	forged := []byte(`{"for_user_id":"1580000000000000001","direct_message_events":[]}`)
	crc := func(token string) string { return "/webhooks/x?crc_token=" + url.QueryEscape(token) }
	runHostile(t, []hostile{
		{name: "a JSON body as crc_token", method: "GET", path: crc(string(forged)), status: 400},
		{name: "a crc_token of 10 KB", method: "GET", path: crc(strings.Repeat("a", 10<<10)), status: 400},
		{name: "markup as crc_token", method: "GET", path: crc("<script>alert(1)</script>"), status: 400},
		{name: "non-ASCII as crc_token", method: "GET", path: crc("café"), status: 400},
		{name: "no crc_token", method: "GET", path: "/webhooks/x", status: 400},
		{name: "an empty crc_token", method: "GET", path: "/webhooks/x?crc_token=", status: 400},
		{name: "a POST with the CRC query", method: "POST", path: crc("abc"), body: forged, status: 401},
		{name: "an unknown tenant in the CRC query falls back", method: "GET", path: crc("9b4507b3-9040-4669-9ca3-6b94edb50553") + "&tenant=nobody", status: 200},
		{name: "a real token is answered", method: "GET", path: crc("dGhpcy1pcy1hLXRva2Vu+/=."), status: 200,
			check: func(t *testing.T, _ published, resp string) {
				if !strings.Contains(resp, `"response_token":"sha256=`) {
					t.Errorf("answer %s, want a response token", resp)
				}
			}},
		{name: "markup as hub.challenge", method: "GET", path: "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=acme-verify&hub.challenge=%3Cscript%3E", status: 403},
	})
}

// nested returns a signed-looking WhatsApp envelope with depth levels of
// arrays inside a message.
func nested(depth int) []byte {
	return []byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"value":{"metadata":{"phone_number_id":"106540352242922"},"messages":[` +
		strings.Repeat("[", depth) + strings.Repeat("]", depth) + `]},"field":"messages"}]}]}`)
}

func TestOversizeAndDeeplyNestedBodiesAreHandled(t *testing.T) {
	const meta = "X-Hub-Signature-256"
	deep := nested(200_000)
	deepEvents := []byte(`{"events":` + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + `}`)
	huge := []byte(`{"object":"whatsapp_business_account","entry":[` + strings.Repeat(`{},`, 400_000) + `{}]}`)
	runHostile(t, []hostile{
		{name: "a signed body nested 200,000 deep", method: "POST", path: "/webhooks/whatsapp", body: deep,
			header: []string{meta, metaSig(acmeWASecret, deep)}, status: 200, deadLetters: 1},
		{name: "platform events nested 100,000 deep", method: "POST", path: "/v1/events", body: deepEvents,
			header: []string{"Authorization", "Bearer acme-key"}, status: 400},
		{name: "a signed body over the limit", method: "POST", path: "/webhooks/whatsapp", body: huge,
			header: []string{meta, metaSig(acmeWASecret, huge)}, status: 413},
		{name: "platform events over the batch limit", method: "POST", path: "/v1/events",
			body: []byte(`{"events":[` + strings.Repeat(`{"id":"e","type":"operator.status","occurred_at":"2026-11-20T09:00:00Z","operator":"a","status":"away"},`, 100) +
				`{"id":"e","type":"operator.status","occurred_at":"2026-11-20T09:00:00Z","operator":"a","status":"away"}]}`),
			header: []string{"Authorization", "Bearer acme-key"}, status: 400},
	})
}

// platform is a /v1/events batch of one event for acme's WhatsApp
// conversation, with extra JSON fields spliced in.
func platform(fields string) []byte {
	return []byte(`{"events":[{"id":"evt-h","type":"conversation.routed","team":"billing",` + fields +
		`"conversation":{"channel":"whatsapp","account_id":"106540352242922","customer_id":"16505551234"}}]}`)
}

// whatsappText is acme's WhatsApp text message with the given message
// timestamp (JSON) and text (raw JSON string contents).
func whatsappText(timestamp, text string) []byte {
	return []byte(`{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp",` +
		`"metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},` +
		`"messages":[{"from":"16505551234","id":"wamid.hostile","timestamp":` + timestamp + `,"text":{"body":"` + text + `"},"type":"text"}]},"field":"messages"}]}]}`)
}

func TestHostileContentIsKeptExactOrRefusedNeverMisread(t *testing.T) {
	const meta, xh = "X-Hub-Signature-256", "X-Twitter-Webhooks-Signature"
	signedWA := func(b []byte) []string { return []string{meta, metaSig(acmeWASecret, b)} }
	key := []string{"Authorization", "Bearer acme-key"}
	badUTF8 := whatsappText(`"1795165205"`, "caf\xe9 \xff\xfe end")
	loneSurrogate := whatsappText(`"1795165205"`, `half \ud83d of an emoji`)
	notJSONBadUTF8 := []byte("\xff\xfe{\"object\":\"whatsapp_business_account\"")
	bigIDs := []byte(`{"for_user_id":"1580000000000000001","direct_message_events":[{"type":"message_create","id":"18446744073709551617123",` +
		`"created_timestamp":"1795165205123","message_create":{"target":{"recipient_id":"1580000000000000001"},"sender_id":"9007199254740993",` +
		`"message_data":{"text":"ids beyond 2^53","attachment":{"type":"media","media":{"id":90071992547409931234,"id_str":"90071992547409931234"}}}}}]}`)
	farFuture := whatsappText(`"32503680000"`, "from the year 3000")
	year9999 := whatsappText(`"253402300799"`, "from the year 9999")
	farPast := whatsappText(`"1"`, "from 1970")
	overflow := whatsappText(`"99999999999999999999999"`, "beyond int64")
	negative := whatsappText(`"-62135596800"`, "before year 1")
	unknownWA := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"value":{"metadata":{"phone_number_id":"106540352242922"},` +
		`"messages":[{"from":"16505551234","id":"wamid.u","timestamp":"1795165205","type":"hologram","hologram":{"x":1}}],"surprise":{"a":[1,2]}},"field":"messages"}]}],"extra":true}`)
	exact := func(field, want string) func(*testing.T, published, string) {
		return func(t *testing.T, recs published, _ string) {
			for _, e := range recs.events {
				var got string
				switch field {
				case "customer":
					got = e.CustomerID
				case "id":
					got = e.MessageID
				}
				if got != want {
					t.Errorf("%s %q, want exactly %q", field, got, want)
				}
			}
		}
	}
	runHostile(t, []hostile{
		{name: "invalid UTF-8 in a signed message", method: "POST", path: "/webhooks/whatsapp", body: badUTF8, header: signedWA(badUTF8), status: 200, events: 1,
			check: func(t *testing.T, recs published, _ string) {
				if len(recs.events) == 1 && !utf8.ValidString(recs.events[0].Text) {
					t.Errorf("text %q is not valid UTF-8", recs.events[0].Text)
				}
			}},
		{name: "a lone surrogate escape", method: "POST", path: "/webhooks/whatsapp", body: loneSurrogate, header: signedWA(loneSurrogate), status: 200, events: 1},
		{name: "a signed body of invalid UTF-8 is dead-lettered byte for byte", method: "POST", path: "/webhooks/whatsapp", body: notJSONBadUTF8,
			header: signedWA(notJSONBadUTF8), status: 200, deadLetters: 1,
			check: func(t *testing.T, recs published, _ string) {
				if len(recs.deadLetters) == 1 && recs.deadLetters[0].Text != string(notJSONBadUTF8) {
					t.Errorf("dead letter body %q, want the raw bytes back", recs.deadLetters[0].Text)
				}
			}},
		{name: "invalid UTF-8 in platform events", method: "POST", path: "/v1/events", body: platform("\"occurred_at\":\"2026-11-20T09:00:10Z\",\"note\":\"\xff\","), header: key,
			status: 200, events: 1},
		{name: "ids beyond 2^53 keep every digit", method: "POST", path: "/webhooks/x", body: bigIDs, header: []string{xh, xSig(acmeXSecret, bigIDs)}, status: 200, events: 1,
			check: func(t *testing.T, recs published, resp string) {
				exact("customer", "9007199254740993")(t, recs, resp)
				exact("id", "18446744073709551617123")(t, recs, resp)
			}},
		{name: "a timestamp in the year 3000 is clamped to the arrival", method: "POST", path: "/webhooks/whatsapp", body: farFuture, header: signedWA(farFuture), status: 200, events: 1,
			check: func(t *testing.T, recs published, _ string) {
				if len(recs.events) == 1 && (!recs.events[0].Clamped || recs.events[0].OccurredAt.Year() > 2100) {
					t.Errorf("event at %s, clamped %v; want clamped to its arrival", recs.events[0].OccurredAt, recs.events[0].Clamped)
				}
			}},
		// Unix seconds outside 2001-09-09..5138 are not plausible (they would
		// be milliseconds misread, or garbage): a malformed item, kept whole.
		{name: "a timestamp in the year 9999 is a malformed item", method: "POST", path: "/webhooks/whatsapp", body: year9999, header: signedWA(year9999), status: 200, deadLetters: 1},
		{name: "a timestamp of 1970 is a malformed item", method: "POST", path: "/webhooks/whatsapp", body: farPast, header: signedWA(farPast), status: 200, deadLetters: 1},
		{name: "a timestamp beyond int64 is a malformed item", method: "POST", path: "/webhooks/whatsapp", body: overflow, header: signedWA(overflow), status: 200, deadLetters: 1},
		{name: "a negative timestamp is a malformed item", method: "POST", path: "/webhooks/whatsapp", body: negative, header: signedWA(negative), status: 200, deadLetters: 1},
		{name: "platform event in the year 9999", method: "POST", path: "/v1/events", body: platform(`"occurred_at":"9999-12-31T23:59:59Z",`), header: key, status: 400},
		{name: "platform event with a year beyond 9999", method: "POST", path: "/v1/events", body: platform(`"occurred_at":"+275760-09-13T00:00:00Z",`), header: key, status: 400},
		{name: "platform event in year 1", method: "POST", path: "/v1/events", body: platform(`"occurred_at":"0001-01-01T00:00:00Z",`), header: key, status: 400},
		{name: "platform event in 1970", method: "POST", path: "/v1/events", body: platform(`"occurred_at":"1970-01-01T00:00:00Z",`), header: key, status: 400,
			check: func(t *testing.T, _ published, resp string) {
				if !strings.Contains(resp, `"field":"events[0].occurred_at"`) {
					t.Errorf("400 %s, want it to name events[0].occurred_at", resp)
				}
			}},
		{name: "platform event with a number for a time", method: "POST", path: "/v1/events", body: platform(`"occurred_at":1795165205,`), header: key, status: 400},
		{name: "unknown fields are ignored", method: "POST", path: "/v1/events", body: platform(`"occurred_at":"2026-11-20T09:00:10Z","priority":{"level":[1,2,{"x":null}]},"source2":"y",`),
			header: key, status: 200, events: 1},
		{name: "an unknown event type names the field", method: "POST", path: "/v1/events",
			body:   []byte(`{"events":[{"id":"e","type":"conversation.teleported","occurred_at":"2026-11-20T09:00:10Z","conversation":{"channel":"whatsapp","account_id":"106540352242922","customer_id":"1"}}]}`),
			header: key, status: 400,
			check: func(t *testing.T, _ published, resp string) {
				if !strings.Contains(resp, `"field":"events[0].type"`) {
					t.Errorf("400 %s, want it to name events[0].type", resp)
				}
			}},
		{name: "an unknown channel names the field", method: "POST", path: "/v1/events",
			body:   []byte(`{"events":[{"id":"e","type":"conversation.routed","team":"t","occurred_at":"2026-11-20T09:00:10Z","conversation":{"channel":"telegram","account_id":"1","customer_id":"1"}}]}`),
			header: key, status: 400},
		{name: "a field of the wrong type", method: "POST", path: "/v1/events", body: []byte(`{"events":{"id":"e"}}`), header: key, status: 400},
		{name: "a batch that is not JSON", method: "POST", path: "/v1/events", body: []byte(`{"events":[`), header: key, status: 400},
		{name: "an unknown message type and unknown fields in a webhook", method: "POST", path: "/webhooks/whatsapp", body: unknownWA, header: signedWA(unknownWA), status: 200, events: 1},
	})
}
