package config

import (
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// Ingest configures the HTTP server that receives webhooks and platform
// events (floorwatch ingest).
type Ingest struct {
	// Listen is the host:port the server binds.
	Listen string `yaml:"listen"`
	// MaxBodyBytes is the largest request body accepted; larger ones get 413.
	// Meta batches stay under 3 MiB; the margin covers X and platform batches.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// MaxInFlight bounds requests handled at once; more wait for a slot.
	MaxInFlight int `yaml:"max_in_flight"`
	// MaxBatchEvents bounds the events of one POST /v1/events body.
	MaxBatchEvents int `yaml:"max_batch_events"`
	// PublishTimeout bounds the wait for Kafka to acknowledge a request's
	// events before the request fails (and the platform retries).
	PublishTimeout time.Duration `yaml:"publish_timeout"`
	// MaxFutureSkew is how far after its arrival an event may claim to
	// have occurred (SPEC 2.2.1): a platform event beyond it is refused
	// (400), a webhook event is kept at its arrival time and marked
	// clamped, and no processor clock moves beyond the wall clock plus it.
	MaxFutureSkew time.Duration `yaml:"max_future_skew"`
	// AuthFailuresPerMinute is how many wrong API keys on /v1/events (401
	// or 403) one client address may send per minute, sustained; past
	// AuthFailuresBurst in a row its /v1/events requests get 429 with
	// Retry-After until a failure is forgiven. Webhooks are never
	// throttled (a platform's addresses serve every tenant). An IPv6
	// client is its /64.
	AuthFailuresPerMinute int `yaml:"auth_failures_per_minute"`
	AuthFailuresBurst     int `yaml:"auth_failures_burst"`
}

func (c *Ingest) setDefaults() {
	c.Listen = "127.0.0.1:8080"
	c.MaxBodyBytes = 3<<20 + 256<<10
	c.MaxInFlight = 256
	c.MaxBatchEvents = 1000
	c.PublishTimeout = 5 * time.Second
	c.MaxFutureSkew = schemas.DefaultMaxFutureSkew
	c.AuthFailuresPerMinute = 30
	c.AuthFailuresBurst = 10
}

func (c *Ingest) validate(ps *problems, key string) {
	checkHostPort(ps, join(key, "listen"), c.Listen, false)
	checkPositive(ps, join(key, "max_body_bytes"), c.MaxBodyBytes)
	checkPositive(ps, join(key, "max_in_flight"), int64(c.MaxInFlight))
	checkPositive(ps, join(key, "max_batch_events"), int64(c.MaxBatchEvents))
	checkDuration(ps, join(key, "publish_timeout"), c.PublishTimeout)
	checkDuration(ps, join(key, "max_future_skew"), c.MaxFutureSkew)
	checkPositive(ps, join(key, "auth_failures_per_minute"), int64(c.AuthFailuresPerMinute))
	checkPositive(ps, join(key, "auth_failures_burst"), int64(c.AuthFailuresBurst))
}
