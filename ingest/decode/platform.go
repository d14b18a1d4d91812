package decode

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/floorwatch/floorwatch/ingest/normalize"
	"github.com/floorwatch/floorwatch/schemas"
)

// platformEvents decides a POST /v1/events: the bearer key names the
// tenant; a batch with any bad event is refused whole (400 naming the
// field), nothing of it published.
func (d *Decoder) platformEvents(header http.Header, body []byte, receivedAt time.Time) Outcome {
	tenant, ok := d.apiTenant(header)
	if !ok && d.opts.Verify {
		o := ErrorOutcome(http.StatusUnauthorized, "bad_api_key", "missing or unknown API key (Authorization: Bearer <key>)")
		o.Route = RouteEvents
		return o
	}
	o := d.platformBatch(tenant, body, receivedAt)
	o.Route = RouteEvents
	if o.Tenant == "" {
		o.Tenant = tenant
	}
	return o
}

// platformBatch decodes the batch for tenant ("" when the request names
// none: replay --no-verify without a known key) and checks each event's
// tenant and time.
func (d *Decoder) platformBatch(tenant string, body []byte, receivedAt time.Time) Outcome {
	if d.tooLarge(body) {
		return ErrorOutcome(http.StatusRequestEntityTooLarge, "too_large", "body is larger than the limit")
	}
	evs, err := normalize.PlatformEvents(body, tenant, receivedAt, d.opts.MaxBatchEvents)
	if err != nil {
		var fe *normalize.FieldError
		if errors.As(err, &fe) {
			return fieldOutcome(fe.Field, fe.Msg)
		}
		return ErrorOutcome(http.StatusBadRequest, "bad_batch", err.Error())
	}
	limit := receivedAt.Add(d.opts.MaxFutureSkew)
	for i := range evs {
		e := &evs[i]
		if e.OccurredAt.After(limit) {
			o := fieldOutcome(fmt.Sprintf("events[%d].occurred_at", i), fmt.Sprintf(
				"%s is more than %s after the request arrived (ingest.max_future_skew)", e.OccurredAt, d.opts.MaxFutureSkew))
			o.Reason = "future_event"
			return o
		}
		if o, ok := d.eventTenant(e, i); !ok {
			return o
		}
	}
	o := okOutcome(len(evs), false)
	o.Events = evs
	if len(evs) > 0 {
		o.Tenant = evs[0].Tenant
	}
	return o
}

// eventTenant checks, or (without a known key) finds, the tenant of event
// i. With a tenant from the key, a conversation whose account another
// tenant owns is refused (SPEC 2.2). Without one, the account's owner
// is the tenant; an event naming no known account (operator.status, or
// an account no tenant lists) belongs to the only tenant, and is refused
// when there are several.
func (d *Decoder) eventTenant(e *schemas.Event, i int) (Outcome, bool) {
	owner, owned := "", false
	if e.Kind != schemas.KindOperatorStatus {
		owner, owned = d.dir.TenantOf(e.Channel, e.AccountID)
	}
	switch {
	case e.Tenant != "" && owned && owner != e.Tenant:
		o := fieldOutcome(fmt.Sprintf("events[%d].conversation.account_id", i), "account "+e.AccountID+" is not one of this tenant's accounts")
		o.Reason = "foreign_account"
		return o, false
	case e.Tenant != "":
	case owned:
		e.Tenant = owner
	case len(d.dir.Tenants()) == 1:
		e.Tenant = d.dir.Tenants()[0]
	default:
		field := fmt.Sprintf("events[%d]", i)
		if e.Kind != schemas.KindOperatorStatus {
			field += ".conversation.account_id"
		}
		o := fieldOutcome(field, "no API key names the tenant, and the event names no account of a single tenant")
		o.Reason = "no_tenant"
		return o, false
	}
	return Outcome{}, true
}

// apiTenant returns the tenant of the request's API key.
func (d *Decoder) apiTenant(header http.Header) (string, bool) {
	auth := headerValue(header, "Authorization")
	scheme, key, ok := strings.Cut(auth, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return d.dir.TenantForAPIKey(strings.TrimSpace(key))
}
