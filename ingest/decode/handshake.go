package decode

import (
	"net/http"
	"net/url"

	"github.com/floorwatch/floorwatch/ingest/normalize"
	"github.com/floorwatch/floorwatch/schemas"
)

// handshake answers a GET on a webhook route: Meta's subscription
// verification (hub.challenge) or X's challenge-response check (crc_token).
// Neither publishes anything.
func (d *Decoder) handshake(ch schemas.Channel, query url.Values) Outcome {
	if ch == schemas.X {
		return d.xCRC(query)
	}
	if !d.opts.Verify {
		if query.Get("hub.mode") == "subscribe" && query.Get("hub.challenge") != "" {
			return challengeOutcome(query.Get("hub.challenge"))
		}
		return ErrorOutcome(http.StatusForbidden, "bad_verify_token", "not a subscription verification")
	}
	challenge, ok := normalize.MetaChallenge(query, d.dir.VerifyTokens(ch))
	if !ok {
		return ErrorOutcome(http.StatusForbidden, "bad_verify_token", "verification refused")
	}
	return challengeOutcome(challenge)
}

func challengeOutcome(challenge string) Outcome {
	return Outcome{Status: http.StatusOK, ContentType: ContentText, Response: []byte(challenge)}
}

// xCRC answers X's CRC with the consumer secret of the tenant named by the
// query parameter "tenant" when there is one, else the first configured
// X secret: a deployment with several X apps gives each app its own
// webhook URL, /webhooks/x?tenant=<id>.
func (d *Decoder) xCRC(query url.Values) Outcome {
	token := query.Get("crc_token")
	if token == "" {
		return ErrorOutcome(http.StatusBadRequest, "no_crc_token", "crc_token is required")
	}
	if !normalize.ValidCRCToken(token) {
		// Answering would sign an attacker's chosen bytes (a forged body).
		return ErrorOutcome(http.StatusBadRequest, "bad_crc_token", "crc_token must be 1 to 256 letters, digits and - _ = + / .")
	}
	secrets := d.dir.WebhookSecrets(schemas.X)
	if len(secrets) == 0 {
		return ErrorOutcome(http.StatusForbidden, "no_secret", "no X consumer secret is configured")
	}
	secret := secrets[0].Secret
	if t := query.Get("tenant"); t != "" {
		for _, s := range secrets {
			if s.Tenant == t {
				secret = s.Secret
			}
		}
	}
	return Outcome{Status: http.StatusOK, ContentType: ContentJSON, Response: normalize.XCRCResponse(secret, token)}
}
