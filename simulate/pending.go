package simulate

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"unicode/utf8"

	"github.com/floorwatch/floorwatch/schemas"
)

// pending is a request planned but not yet emitted. Everything its body
// holds is decided when it is planned; build is a pure function of it,
// so a retry (a copy of the pending) is byte-identical.
type pending struct {
	at     int64  // simulated arrival (received_at), Unix ms
	seq    uint64 // planning order: the tie-break between equal arrivals
	tenant *tenantSim
	st     *stream // nil for operator presence
	cust   *customer
	ch     schemas.Channel // "" for platform events
	items  []item
	// xaa is the X Activity API event_uuid when an X body uses that envelope.
	xaa     string
	outcome Outcome
	spoil   uint8 // which way a bad signature or an unparseable body is made
	late    bool
	query   string // a GET handshake's query string
	conv    bool   // part of a conversation (the --conversations bound waits for it)
}

// events is what Request.Events will be.
func (p *pending) events() int {
	if p.outcome == Unparseable {
		return 1
	}
	return len(p.items)
}

// build renders p as the request the platform would send.
func (p *pending) build() Request {
	r := Request{Tenant: p.tenant.id, Outcome: p.outcome, Late: p.late}
	r.ReceivedAt = schemas.UnixMilli(p.at)
	if p.query != "" {
		r.Method, r.Route, r.Handshake = "GET", "/webhooks/"+string(p.ch), true
		r.Path = r.Route + "?" + p.query
		r.Headers = schemas.Headers{"User-Agent": {userAgent(p.ch)}}
		return r
	}
	r.Method = "POST"
	var body []byte
	switch p.ch {
	case schemas.WhatsApp:
		body = whatsappBody(p)
	case schemas.Messenger, schemas.Instagram:
		body = metaBody(p)
	case schemas.X:
		body = xBody(p)
	default:
		body = platformBody(p)
	}
	r.Events = p.events()
	if p.outcome == Unparseable {
		body = p.unparseable(body)
	}
	r.Body = string(body)
	if p.ch == "" {
		r.Route = "/v1/events"
	} else {
		r.Route = "/webhooks/" + string(p.ch)
	}
	r.Path = r.Route
	r.Headers = p.headers(body)
	if p.outcome == Accepted || p.outcome == Duplicate {
		for i := range p.items {
			if k := p.items[i].published(); k != "" {
				r.Kinds = append(r.Kinds, k)
			}
		}
	}
	return r
}

func userAgent(ch schemas.Channel) string {
	switch ch {
	case schemas.X:
		return "Twitter-Webhooks/1.0"
	case "":
		return "contact-center-platform/4.2"
	}
	return "facebookexternalua"
}

// headers signs body as the platform does, or spoils the signature when
// the pending is a BadSignature: a wrong secret, no signature at all, or
// (platform events) an unknown API key.
func (p *pending) headers(body []byte) schemas.Headers {
	h := schemas.Headers{"Content-Type": {"application/json"}, "User-Agent": {userAgent(p.ch)}}
	bad := p.outcome == BadSignature
	if p.ch == "" {
		key := p.tenant.apiKey
		if bad {
			key = "revoked-" + key[:min(4, len(key))] + "-key"
		}
		if !bad || p.spoil%3 != 0 {
			h["Authorization"] = []string{"Bearer " + key}
		}
		return h
	}
	secret := p.tenant.secrets[p.ch]
	if bad {
		if p.spoil%3 == 0 {
			return h // no signature header at all
		}
		secret = []byte("rotated-" + string(secret))
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	if p.ch == schemas.X {
		h["Content-Type"] = []string{"application/json; charset=utf-8"}
		h["X-Twitter-Webhooks-Signature"] = []string{"sha256=" + base64.StdEncoding.EncodeToString(mac.Sum(nil))}
		return h
	}
	h["X-Hub-Signature-256"] = []string{"sha256=" + hex.EncodeToString(mac.Sum(nil))}
	legacy := hmac.New(sha1.New, secret)
	legacy.Write(body)
	h["X-Hub-Signature"] = []string{"sha1=" + hex.EncodeToString(legacy.Sum(nil))}
	return h
}

// unparseable spoils a body while keeping it signed: cut short (a proxy
// that dropped the end), or the envelope of another Meta product posted
// to this route.
func (p *pending) unparseable(body []byte) []byte {
	if p.spoil%2 == 0 || p.ch == schemas.X {
		cut := len(body) * 3 / 5
		for cut > 0 && !utf8.RuneStart(body[cut]) {
			cut-- // a cut inside a rune would not survive a requests file
		}
		return body[:cut]
	}
	s := string(body)
	switch p.ch {
	case schemas.WhatsApp:
		s = strings.Replace(s, `"object":"whatsapp_business_account"`, `"object":"page"`, 1)
	case schemas.Messenger:
		s = strings.Replace(s, `"object":"page"`, `"object":"instagram"`, 1)
	case schemas.Instagram:
		s = strings.Replace(s, `"object":"instagram"`, `"object":"page"`, 1)
	}
	return []byte(s)
}
