package decode_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/floorwatch/floorwatch/ingest/decode"
)

// FuzzDecode feeds arbitrary requests to a verifying and a non-verifying
// Decoder: neither may panic, every status is one docs/ingest.md lists,
// and only a 200 carries records.
func FuzzDecode(f *testing.F) {
	wa := body(f, "whatsapp.json")
	f.Add("POST", "/webhooks/whatsapp", "", metaSig(acmeWASecret, wa), wa)
	f.Add("POST", "/v1/events", "", "acme-key", body(f, "events.json"))
	f.Add("GET", "/webhooks/instagram", "hub.mode=subscribe&hub.verify_token=shared-verify&hub.challenge=12", "", []byte(nil))
	f.Add("GET", "/webhooks/x", "crc_token=a", "", []byte(nil))
	f.Add("POST", "/webhooks/x", "", "", body(f, "x.json"))
	allowed := map[int]bool{200: true, 400: true, 401: true, 403: true, 404: true, 405: true, 413: true}
	verifying, open := newDecoder(f, true), newDecoder(f, false)
	f.Fuzz(func(t *testing.T, method, path, query, sig string, b []byte) {
		q, _ := url.ParseQuery(query)
		h := http.Header{"X-Hub-Signature-256": {sig}, "X-Twitter-Webhooks-Signature": {sig}, "Authorization": {"Bearer " + sig}}
		for _, d := range []*decode.Decoder{verifying, open} {
			o := d.Decode(method, path, q, h, b, receivedAt)
			if !allowed[o.Status] {
				t.Fatalf("%s %s: status %d is not one ingest answers", method, path, o.Status)
			}
			checkInvariants(t, o)
		}
	})
}
