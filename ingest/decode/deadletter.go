package decode

import (
	"net/http"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// deadLetterStage is the Stage of every dead letter ingest writes.
const deadLetterStage = "ingest"

// deadLetter keeps a raw signed body with what a re-drive needs: the
// route, the signature and the content type. Never the Authorization
// header or any other credential.
func (d *Decoder) deadLetter(ch schemas.Channel, header http.Header, body []byte, receivedAt time.Time, tenant, reason string) *schemas.DeadLetter {
	h := map[string]string{}
	for _, name := range []string{signatureHeader(ch), "Content-Type"} {
		if v := headerValue(header, name); v != "" {
			h[name] = v
		}
	}
	return &schemas.DeadLetter{
		V:          schemas.DeadLetterVersion,
		Stage:      deadLetterStage,
		Reason:     reason,
		Source:     WebhookRoute(ch),
		Tenant:     tenant,
		ReceivedAt: schemas.At(receivedAt),
		Headers:    h,
		Body:       string(body),
	}
}
