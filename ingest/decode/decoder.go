package decode

import (
	"net/http"
	"net/url"
	"time"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/ingest/normalize"
	"github.com/floorwatch/floorwatch/schemas"
)

// Routes served by the Decoder. RouteUnknown labels every other path in
// metrics and logs, so label values stay bounded.
const (
	RouteEvents  = "/v1/events"
	RouteUnknown = "unknown"
)

// WebhookRoute returns the route of ch's webhooks, "/webhooks/<channel>".
func WebhookRoute(ch schemas.Channel) string {
	if r, ok := webhookRoutes[ch]; ok {
		return r
	}
	return "/webhooks/" + string(ch)
}

// webhookRoutes are the channels' routes, built once: a route is looked up
// on every request.
var webhookRoutes = func() map[schemas.Channel]string {
	m := make(map[schemas.Channel]string, len(schemas.Channels))
	for _, ch := range schemas.Channels {
		m[ch] = "/webhooks/" + string(ch)
	}
	return m
}()

// Options are the limits and checks of a Decoder.
type Options struct {
	// MaxBodyBytes is the largest body accepted; larger ones get 413.
	// Zero means no limit.
	MaxBodyBytes int64
	// MaxBatchEvents bounds the events of one POST /v1/events body.
	MaxBatchEvents int
	// Verify checks webhook signatures, verify tokens and API keys. False
	// (replay --no-verify) skips them: every body is taken as signed, and a
	// /v1/events event belongs to the tenant of the request's API key when
	// it is a known one, else to the tenant that owns its account, else to
	// the only tenant (several: 400).
	Verify bool
	// MaxFutureSkew is how far after the request's arrival an event may
	// claim to have occurred (SPEC 2.2.1): a platform event beyond it is
	// refused, a webhook event is clamped to the arrival time. Default
	// schemas.DefaultMaxFutureSkew.
	MaxFutureSkew time.Duration
}

// Decoder turns one HTTP request into an Outcome: what to answer and what
// to publish. It does no I/O and keeps no state, so the server and replay
// share it and any number of goroutines may call Decode at once.
type Decoder struct {
	dir  Directory
	opts Options
	// ownSecret[ch][tenant] is true when tenant signs ch's webhooks with a
	// secret of its own (not shared with other tenants).
	ownSecret map[schemas.Channel]map[string]bool
}

// Directory is what the Decoder looks up: tenants by account and API key,
// and the candidate webhook credentials. config.Directory provides it.
type Directory interface {
	TenantOf(ch schemas.Channel, accountID string) (string, bool)
	TenantForAPIKey(key string) (string, bool)
	Tenants() []string
	WebhookSecrets(ch schemas.Channel) []config.TenantSecret
	VerifyTokens(ch schemas.Channel) [][]byte
}

// NewDecoder returns a Decoder that looks tenants and credentials up in dir.
func NewDecoder(dir Directory, opts Options) *Decoder {
	if opts.MaxFutureSkew <= 0 {
		opts.MaxFutureSkew = schemas.DefaultMaxFutureSkew
	}
	d := &Decoder{dir: dir, opts: opts, ownSecret: map[schemas.Channel]map[string]bool{}}
	for _, ch := range schemas.Channels {
		own := map[string]bool{}
		for _, s := range dir.WebhookSecrets(ch) {
			if s.Tenant != "" {
				own[s.Tenant] = true
			}
		}
		d.ownSecret[ch] = own
	}
	return d
}

// Outcome is the decision on one request. The caller publishes Events and
// DeadLetter (when set) and, only once Kafka acknowledged all of them,
// answers Status with Response; when publishing fails it answers 503
// instead, so the sender retries.
type Outcome struct {
	Status      int
	ContentType string
	Response    []byte
	// Allow lists the methods of the route, set with 405.
	Allow string
	// Events are the normalized events to publish, Tenant filled.
	Events []schemas.Event
	// DeadLetter is the raw body to keep when some or all of a signed
	// body could not go on the conversation stream.
	DeadLetter *schemas.DeadLetter
	// Ignored lists the items of a webhook body that produced no event.
	Ignored []normalize.Ignored
	// Clamped counts the webhook events kept at the arrival time because
	// they claimed a time beyond the allowed skew (SPEC 2.2.1).
	Clamped int
	// Reason is a short, fixed code for metrics and logs ("" on success),
	// e.g. "bad_signature", "unparseable", "unknown_account".
	Reason string
	// Route is the matched route, or RouteUnknown.
	Route string
	// Channel is the webhook's channel ("" for /v1/events).
	Channel schemas.Channel
	// Tenant is the tenant the request was authenticated as, when known.
	Tenant string
}

// Decode decides what the request (method, path, query, header, raw body,
// time received) gets and carries. body must be the complete raw body.
func (d *Decoder) Decode(method, path string, query url.Values, header http.Header, body []byte, receivedAt time.Time) Outcome {
	if path == RouteEvents {
		if method != http.MethodPost {
			return notAllowed(RouteEvents, http.MethodPost)
		}
		return d.platformEvents(header, body, receivedAt)
	}
	ch, ok := webhookChannel(path)
	if !ok {
		o := ErrorOutcome(http.StatusNotFound, "not_found", "no such route")
		o.Route = RouteUnknown
		return o
	}
	var o Outcome
	switch method {
	case http.MethodGet:
		o = d.handshake(ch, query)
	case http.MethodPost:
		o = d.webhook(ch, header, body, receivedAt)
	default:
		o = notAllowed(WebhookRoute(ch), http.MethodGet+", "+http.MethodPost)
	}
	o.Route, o.Channel = WebhookRoute(ch), ch
	return o
}

// Route returns the metrics label of path: its route, or RouteUnknown.
func Route(path string) string {
	if path == RouteEvents {
		return RouteEvents
	}
	if ch, ok := webhookChannel(path); ok {
		return WebhookRoute(ch)
	}
	return RouteUnknown
}

func webhookChannel(path string) (schemas.Channel, bool) {
	const prefix = "/webhooks/"
	if len(path) <= len(prefix) || path[:len(prefix)] != prefix {
		return "", false
	}
	ch := schemas.Channel(path[len(prefix):])
	return ch, ch.Valid()
}

func notAllowed(route, allow string) Outcome {
	o := ErrorOutcome(http.StatusMethodNotAllowed, "method_not_allowed", "method not allowed; use "+allow)
	o.Route, o.Allow = route, allow
	return o
}

// MaxBodyBytes is the largest body the Decoder accepts (0: no limit); a
// server stops reading a body beyond it.
func (d *Decoder) MaxBodyBytes() int64 { return d.opts.MaxBodyBytes }

func (d *Decoder) tooLarge(body []byte) bool {
	return d.opts.MaxBodyBytes > 0 && int64(len(body)) > d.opts.MaxBodyBytes
}
