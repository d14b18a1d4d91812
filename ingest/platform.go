package ingest

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/floorwatch/floorwatch/ingest/normalize"
	"github.com/floorwatch/floorwatch/schemas"
)

// HeaderTenant names the tenant of a /v1/events request when the Decoder
// does not verify (replay --no-verify): API keys are not checked then.
const HeaderTenant = "X-Floorwatch-Tenant"

// platformEvents decides a POST /v1/events: the bearer key names the
// tenant; a batch with any bad event is refused whole (400 naming the field).
func (d *Decoder) platformEvents(header http.Header, body []byte, receivedAt time.Time) Outcome {
	tenant, ok := d.apiTenant(header)
	if !ok {
		o := errorOutcome(http.StatusUnauthorized, "bad_api_key", "missing or unknown API key (Authorization: Bearer <key>)")
		o.Route = RouteEvents
		return o
	}
	o := d.platformBatch(tenant, body, receivedAt)
	o.Route, o.Tenant = RouteEvents, tenant
	return o
}

func (d *Decoder) platformBatch(tenant string, body []byte, receivedAt time.Time) Outcome {
	if d.tooLarge(body) {
		return errorOutcome(http.StatusRequestEntityTooLarge, "too_large", "body is larger than the limit")
	}
	evs, err := normalize.PlatformEvents(body, tenant, receivedAt, d.opts.MaxBatchEvents)
	if err != nil {
		var fe *normalize.FieldError
		if errors.As(err, &fe) {
			return fieldOutcome(fe.Field, fe.Msg)
		}
		return errorOutcome(http.StatusBadRequest, "bad_batch", err.Error())
	}
	o := okOutcome(len(evs), false)
	o.Events = evs
	return o
}

// apiTenant returns the tenant of the request's API key or, without
// verification, of its X-Floorwatch-Tenant header (default "default").
func (d *Decoder) apiTenant(header http.Header) (string, bool) {
	if !d.opts.Verify {
		if t := headerValue(header, HeaderTenant); t != "" {
			return t, true
		}
		return schemas.DefaultTenant, true
	}
	auth := headerValue(header, "Authorization")
	scheme, key, ok := strings.Cut(auth, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return d.dir.TenantForAPIKey(strings.TrimSpace(key))
}
