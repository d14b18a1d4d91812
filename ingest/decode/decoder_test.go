package decode_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/ingest/decode"
	"github.com/floorwatch/floorwatch/schemas"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/decode")

var receivedAt = time.Date(2026, 11, 20, 9, 0, 30, 0, time.UTC)

// request is one scenario's HTTP request.
type request struct {
	method, path, query string
	header              http.Header
	body                []byte
}

func post(path string, body []byte, kv ...string) request {
	h := http.Header{"Content-Type": {"application/json"}}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return request{method: http.MethodPost, path: path, header: h, body: body}
}

func get(path, query string) request {
	return request{method: http.MethodGet, path: path, query: query, header: http.Header{}}
}

// decodeScenarios are the Decoder's behaviours, each with a golden outcome
// in testdata/decode/<name>.golden.json.
func decodeScenarios(t *testing.T) []struct {
	name   string
	verify bool
	req    request
} {
	wa, waGlobex, waUnknown := body(t, "whatsapp.json"), body(t, "whatsapp_globex.json"), body(t, "whatsapp_unknown.json")
	ms, msGlobex, ig, x := body(t, "messenger.json"), body(t, "messenger_globex.json"), body(t, "instagram.json"), body(t, "x.json")
	events, eventsBad, notJSON := body(t, "events.json"), body(t, "events_bad.json"), body(t, "not_json.txt")
	eventsConv, eventsFuture, eventsSup := body(t, "events_conversations.json"), body(t, "events_future.json"), body(t, "events_supervisor.json")
	waFuture := body(t, "whatsapp_future.json")
	const metaHdr, xHdr = "X-Hub-Signature-256", "X-Twitter-Webhooks-Signature"
	return []struct {
		name   string
		verify bool
		req    request
	}{
		{"whatsapp_signed_by_its_tenant_is_published", true, post("/webhooks/whatsapp", wa, metaHdr, metaSig(acmeWASecret, wa))},
		{"whatsapp_signed_by_another_tenant_is_dead_lettered", true, post("/webhooks/whatsapp", wa, metaHdr, metaSig(globexWASecret, wa))},
		{"whatsapp_of_an_unknown_account_is_dead_lettered", true, post("/webhooks/whatsapp", waUnknown, metaHdr, metaSig(acmeWASecret, waUnknown))},
		{"whatsapp_of_globex_signed_by_globex_is_published", true, post("/webhooks/whatsapp", waGlobex, metaHdr, metaSig(globexWASecret, waGlobex))},
		{"whatsapp_without_signature_is_refused", true, post("/webhooks/whatsapp", wa)},
		{"whatsapp_with_a_wrong_signature_is_refused", true, post("/webhooks/whatsapp", wa, metaHdr, metaSig("guess", wa))},
		{"whatsapp_signed_but_not_json_is_dead_lettered", true, post("/webhooks/whatsapp", notJSON, metaHdr, metaSig(acmeWASecret, notJSON), "Authorization", "Bearer must-not-leak")},
		{"messenger_with_a_shared_secret_goes_to_the_account_tenant", true, post("/webhooks/messenger", ms, metaHdr, metaSig(sharedMeta, ms))},
		{"messenger_of_globex_with_a_shared_secret_goes_to_globex", true, post("/webhooks/messenger", msGlobex, metaHdr, metaSig(sharedMeta, msGlobex))},
		{"instagram_signed_is_published", true, post("/webhooks/instagram", ig, metaHdr, metaSig(sharedMeta, ig))},
		{"x_signed_is_published", true, post("/webhooks/x", x, xHdr, xSig(acmeXSecret, x))},
		{"x_signed_as_meta_is_refused", true, post("/webhooks/x", x, xHdr, metaSig(acmeXSecret, x))},
		{"meta_verification_with_the_token_echoes_the_challenge", true, get("/webhooks/whatsapp", "hub.mode=subscribe&hub.verify_token=acme-verify&hub.challenge=1158201444")},
		{"meta_verification_with_a_wrong_token_is_forbidden", true, get("/webhooks/whatsapp", "hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1158201444")},
		{"x_crc_is_answered_with_the_response_token", true, get("/webhooks/x", "crc_token=9b4507b3-9040-4669-9ca3-6b94edb50553")},
		{"platform_events_with_a_key_are_published_for_its_tenant", true, post("/v1/events", events, "Authorization", "Bearer acme-key")},
		{"platform_events_without_a_key_are_refused", true, post("/v1/events", events)},
		{"platform_events_with_an_unknown_key_are_refused", true, post("/v1/events", events, "Authorization", "Bearer stolen")},
		{"platform_events_with_a_missing_field_name_it", true, post("/v1/events", eventsBad, "Authorization", "Bearer globex-key")},
		{"an_unknown_path_is_not_found", true, post("/webhooks/telegram", wa)},
		{"a_wrong_method_is_not_allowed", true, request{method: http.MethodPut, path: "/webhooks/whatsapp", header: http.Header{}}},
		{"a_get_on_events_is_not_allowed", true, get("/v1/events", "")},
		{"a_body_over_the_limit_is_too_large", true, post("/webhooks/whatsapp", bytes.Repeat([]byte("x"), 5000))},
		{"without_verification_an_unsigned_body_is_published", false, post("/webhooks/whatsapp", wa)},
		{"whatsapp_from_the_far_future_is_clamped_to_its_arrival", true, post("/webhooks/whatsapp", waFuture, metaHdr, metaSig(acmeWASecret, waFuture))},
		{"platform_events_of_another_tenants_account_are_refused", true, post("/v1/events", events, "Authorization", "Bearer globex-key")},
		{"platform_events_beyond_the_future_skew_are_refused", true, post("/v1/events", eventsFuture, "Authorization", "Bearer acme-key")},
		{"platform_events_posing_as_supervisor_actions_are_refused", true, post("/v1/events", eventsSup, "Authorization", "Bearer acme-key")},
		{"without_verification_events_take_the_tenant_of_a_known_key", false, post("/v1/events", events, "Authorization", "Bearer acme-key")},
		{"without_verification_events_without_a_key_take_their_accounts_tenant", false, post("/v1/events", eventsConv)},
		{"without_verification_an_operator_status_without_a_key_is_refused_among_tenants", false, post("/v1/events", events)},
		{"without_verification_a_foreign_account_under_a_known_key_is_refused", false, post("/v1/events", events, "Authorization", "Bearer globex-key")},
	}
}

// goldenOutcome is what a golden file holds of an Outcome.
type goldenOutcome struct {
	Status      int                 `json:"status"`
	ContentType string              `json:"content_type"`
	Allow       string              `json:"allow,omitempty"`
	Response    string              `json:"response"`
	Reason      string              `json:"reason,omitempty"`
	Route       string              `json:"route"`
	Channel     schemas.Channel     `json:"channel,omitempty"`
	Tenant      string              `json:"tenant,omitempty"`
	Events      []schemas.Event     `json:"events,omitempty"`
	Ignored     any                 `json:"ignored,omitempty"`
	DeadLetter  *schemas.DeadLetter `json:"dead_letter,omitempty"`
}

func TestDecodeMatchesGoldenOutcomes(t *testing.T) {
	decoders := map[bool]*decode.Decoder{true: newDecoder(t, true), false: newDecoder(t, false)}
	for _, sc := range decodeScenarios(t) {
		t.Run(sc.name, func(t *testing.T) {
			q, err := url.ParseQuery(sc.req.query)
			if err != nil {
				t.Fatal(err)
			}
			o := decoders[sc.verify].Decode(sc.req.method, sc.req.path, q, sc.req.header, sc.req.body, receivedAt)
			checkInvariants(t, o)
			g := goldenOutcome{o.Status, o.ContentType, o.Allow, string(o.Response), o.Reason, o.Route,
				o.Channel, o.Tenant, o.Events, nil, o.DeadLetter}
			if len(o.Ignored) > 0 {
				g.Ignored = o.Ignored
			}
			got, err := json.MarshalIndent(g, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			compareGolden(t, filepath.Join("testdata", "decode", sc.name+".golden.json"), append(got, '\n'))
		})
	}
}

// checkInvariants holds for every outcome: only a 200 carries records, a
// dead letter never keeps credentials, every event has a tenant.
func checkInvariants(t *testing.T, o decode.Outcome) {
	t.Helper()
	if o.Status != http.StatusOK && (len(o.Events) > 0 || o.DeadLetter != nil) {
		t.Errorf("status %d carries %d events and dead letter %v", o.Status, len(o.Events), o.DeadLetter != nil)
	}
	for _, e := range o.Events {
		if e.Tenant == "" {
			t.Errorf("event %s has no tenant", e.ID)
		}
	}
	if o.DeadLetter != nil {
		for k := range o.DeadLetter.Headers {
			if strings.EqualFold(k, "Authorization") {
				t.Errorf("dead letter keeps the Authorization header")
			}
		}
	}
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("outcome differs from %s (go test -update rewrites it):\n got: %s\nwant: %s", path, got, want)
	}
}

func TestWithoutVerificationAKeylessOperatorStatusGoesToTheOnlyTenant(t *testing.T) {
	path := filepath.Join(t.TempDir(), "one.yaml")
	if err := os.WriteFile(path, []byte("tenants:\n  - id: solo\n    accounts: {whatsapp: [\"106540352242922\"]}\n    channels: {whatsapp: {app_secret: s, verify_token: v}}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	d := decode.NewDecoder(cfg.Directory(), decode.Options{Verify: false})
	r := post("/v1/events", body(t, "events.json"))
	o := d.Decode(r.method, r.path, nil, r.header, r.body, receivedAt)
	if o.Status != http.StatusOK || len(o.Events) != 3 {
		t.Fatalf("status %d with %d events, want 200 with 3: %s", o.Status, len(o.Events), o.Response)
	}
	for _, e := range o.Events {
		if e.Tenant != "solo" {
			t.Fatalf("event %s went to tenant %q, want the only tenant solo", e.ID, e.Tenant)
		}
	}
}
