package decode_test

import (
	"net/http"
	"testing"
)

// BenchmarkDecodeSignedWhatsApp is the Decoder's share of a request:
// verify and normalize one signed WhatsApp body, no Kafka.
func BenchmarkDecodeSignedWhatsApp(b *testing.B) {
	d := newDecoder(b, true)
	wa := body(b, "whatsapp.json")
	h := http.Header{"X-Hub-Signature-256": {metaSig(acmeWASecret, wa)}}
	b.ReportAllocs()
	for b.Loop() {
		if o := d.Decode(http.MethodPost, "/webhooks/whatsapp", nil, h, wa, receivedAt); o.Status != 200 || len(o.Events) != 1 {
			b.Fatalf("status %d, %d events", o.Status, len(o.Events))
		}
	}
}
