package normalize

import (
	"time"

	json "github.com/goccy/go-json"

	"github.com/floorwatch/floorwatch/schemas"
)

// Webhook normalizes one raw webhook body posted to ch's route.
//
// It is pure and safe for concurrent use. The body must already be
// verified (VerifyMeta, VerifyX); Webhook only parses it. It returns a
// *ParseError, and nothing else, when the body is not JSON or holds no
// envelope of ch; a malformed item inside a valid envelope is skipped and
// listed in Result.Ignored with its reason. receivedAt becomes every
// event's ReceivedAt.
func Webhook(ch schemas.Channel, body []byte, receivedAt time.Time) (Result, error) {
	if !json.Valid(body) {
		return Result{}, &ParseError{Channel: ch, Reason: "body is not JSON"}
	}
	c := newCollector(ch, receivedAt)
	var err error
	switch ch {
	case schemas.WhatsApp:
		err = whatsApp(c, body)
	case schemas.Messenger:
		err = metaMessaging(c, body, "page")
	case schemas.Instagram:
		err = metaMessaging(c, body, "instagram")
	case schemas.X:
		err = xWebhook(c, body)
	default:
		return Result{}, &ParseError{Channel: ch, Reason: "unknown channel"}
	}
	if err != nil {
		return Result{}, err
	}
	return c.res, nil
}
