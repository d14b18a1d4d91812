package decode

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/ingest/normalize"
	"github.com/floorwatch/floorwatch/schemas"
)

// Signature headers, canonical form.
const (
	headerMetaSignature = "X-Hub-Signature-256"
	headerXSignature    = "X-Twitter-Webhooks-Signature"
)

func signatureHeader(ch schemas.Channel) string {
	if ch == schemas.X {
		return headerXSignature
	}
	return headerMetaSignature
}

// webhook decides a POST on a channel's webhook route. A body whose
// signature verifies is always answered 200: what cannot go on the
// conversation stream goes, raw, to the dead letters.
func (d *Decoder) webhook(ch schemas.Channel, header http.Header, body []byte, receivedAt time.Time) Outcome {
	if d.tooLarge(body) {
		return ErrorOutcome(http.StatusRequestEntityTooLarge, "too_large", "body is larger than the limit")
	}
	var signer *config.TenantSecret
	if d.opts.Verify {
		sig := headerValue(header, signatureHeader(ch))
		if sig == "" {
			return ErrorOutcome(http.StatusUnauthorized, "no_signature", "missing "+signatureHeader(ch))
		}
		s, ok := d.signer(ch, body, sig)
		if !ok {
			return ErrorOutcome(http.StatusUnauthorized, "bad_signature", "signature does not verify")
		}
		signer = &s
	}
	res, err := normalize.Webhook(ch, body, receivedAt)
	if err != nil {
		o := okOutcome(0, true)
		o.Reason = "unparseable"
		o.Tenant = signerTenant(signer)
		o.DeadLetter = d.deadLetter(ch, header, body, receivedAt, o.Tenant, parseReason(err))
		return o
	}
	kept, reason, problem := d.assignTenants(ch, signer, res.Events)
	if skipped, ok := malformedItems(res.Ignored); ok && problem == "" {
		reason, problem = "malformed_items", skipped
	}
	o := okOutcome(len(kept), problem != "")
	o.Events, o.Ignored, o.Tenant = kept, res.Ignored, signerTenant(signer)
	for i := range kept {
		if kept[i].ClampFuture(d.opts.MaxFutureSkew) {
			o.Clamped++
		}
	}
	if problem != "" {
		o.Reason = reason
		o.DeadLetter = d.deadLetter(ch, header, body, receivedAt, o.Tenant, problem)
	}
	return o
}

// malformedItems reports whether normalize skipped items it could not
// read (those with a Reason), and names the first. A failed WhatsApp
// status carries its error code as Reason, yet is well formed.
func malformedItems(ign []normalize.Ignored) (string, bool) {
	n, first := 0, ""
	for _, ig := range ign {
		if ig.Reason == "" || strings.HasSuffix(ig.Type, ":status:failed") {
			continue
		}
		if n == 0 {
			first = ig.Type + ": " + ig.Reason
		}
		n++
	}
	if n == 0 {
		return "", false
	}
	return strconv.Itoa(n) + " item(s) skipped as malformed, first " + first, true
}

// signer returns the candidate secret that signed body. Every candidate is
// tried, whatever matches, so the time taken tells nothing about which
// one (or whether one) matched.
func (d *Decoder) signer(ch schemas.Channel, body []byte, sig string) (config.TenantSecret, bool) {
	verify := normalize.VerifyMeta
	if ch == schemas.X {
		verify = normalize.VerifyX
	}
	cands := d.dir.WebhookSecrets(ch)
	found := -1
	for i := range cands {
		ok := 0
		if verify(cands[i].Secret, body, sig) {
			ok = 1
		}
		found = subtle.ConstantTimeSelect(ok, i, found)
	}
	if found < 0 {
		return config.TenantSecret{}, false
	}
	return cands[found], true
}

// assignTenants fills Tenant on each event from its account. An event whose
// account belongs to no tenant, or to a tenant whose secret did not sign
// the body, is dropped; problem then says why (for the dead letter, which
// keeps the whole body once) and reason is its short code.
func (d *Decoder) assignTenants(ch schemas.Channel, signer *config.TenantSecret, evs []schemas.Event) (kept []schemas.Event, reason, problem string) {
	kept = evs[:0] // filtered in place: evs is the caller's, not shared
	for _, e := range evs {
		tenant, ok := d.dir.TenantOf(ch, e.AccountID)
		switch {
		case !ok:
			if problem == "" {
				reason, problem = "unknown_account", "account "+e.AccountID+" belongs to no tenant"
			}
			continue
		case !d.signedFor(ch, signer, tenant):
			if problem == "" {
				reason, problem = "foreign_account", "account "+e.AccountID+" belongs to tenant "+tenant+", whose secret did not sign the body"
			}
			continue
		}
		e.Tenant = tenant
		kept = append(kept, e)
	}
	return kept, reason, problem
}

// signedFor reports whether a body signed by signer may carry tenant's
// events: the secret is tenant's own, or it is shared and tenant has no
// secret of its own. A nil signer (no verification) allows every tenant.
func (d *Decoder) signedFor(ch schemas.Channel, signer *config.TenantSecret, tenant string) bool {
	if signer == nil {
		return true
	}
	if signer.Tenant != "" {
		return signer.Tenant == tenant
	}
	return !d.ownSecret[ch][tenant]
}

func signerTenant(s *config.TenantSecret) string {
	if s == nil {
		return ""
	}
	return s.Tenant
}

func parseReason(err error) string {
	var pe *normalize.ParseError
	if errors.As(err, &pe) {
		return pe.Error()
	}
	return "unparseable body: " + err.Error()
}

// headerValue returns the first value of name in h, also when h was built
// by hand with keys in another case (recorded requests).
func headerValue(h http.Header, name string) string {
	if v := h.Get(name); v != "" {
		return v
	}
	for k, vs := range h {
		if len(vs) > 0 && strings.EqualFold(k, name) {
			return vs[0]
		}
	}
	return ""
}
