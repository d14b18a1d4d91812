package normalize

import (
	"os"
	"testing"

	"github.com/floorwatch/floorwatch/schemas"
)

// BenchmarkWebhookWhatsAppText normalizes the typical body: one text
// message from one contact (testdata/whatsapp/text.json).
func BenchmarkWebhookWhatsAppText(b *testing.B) {
	body, err := os.ReadFile("testdata/whatsapp/text.json")
	if err != nil {
		b.Fatal(err)
	}
	at := testReceivedAt()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		res, err := Webhook(schemas.WhatsApp, body, at)
		if err != nil || len(res.Events) != 1 {
			b.Fatalf("got %+v, %v", res, err)
		}
	}
}

// BenchmarkVerifyMeta checks the signature of the same body.
func BenchmarkVerifyMeta(b *testing.B) {
	body, err := os.ReadFile("testdata/whatsapp/text.json")
	if err != nil {
		b.Fatal(err)
	}
	secret := []byte("appsecret")
	header := SignMeta(secret, body)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if !VerifyMeta(secret, body, header) {
			b.Fatal("does not verify")
		}
	}
}
