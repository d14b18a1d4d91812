package config

import "time"

// API configures the supervisor API and its live console (floorwatch api,
// SPEC 4.1). Who may use it is configured per tenant (Tenant.Supervisors,
// or the top-level Supervisors without tenants).
type API struct {
	// Listen is the host:port of the API and of the console at /.
	Listen string `yaml:"listen"`
	// PublishTimeout bounds the wait for Kafka to acknowledge a
	// supervisor's action; past it the request gets 503 with Retry-After.
	PublishTimeout time.Duration `yaml:"publish_timeout"`
	// AuthFailuresPerMinute and AuthFailuresBurst throttle supervisor-token
	// guessing per client address, as ingest's keys of the same names do
	// for API keys: past the burst, 429 with Retry-After.
	AuthFailuresPerMinute int `yaml:"auth_failures_per_minute"`
	AuthFailuresBurst     int `yaml:"auth_failures_burst"`
}

func (c *API) setDefaults() {
	c.Listen = "127.0.0.1:8090"
	c.PublishTimeout = 5 * time.Second
	c.AuthFailuresPerMinute = 30
	c.AuthFailuresBurst = 10
}

func (c *API) validate(ps *problems, key string) {
	checkHostPort(ps, join(key, "listen"), c.Listen, false)
	checkDuration(ps, join(key, "publish_timeout"), c.PublishTimeout)
	checkPositive(ps, join(key, "auth_failures_per_minute"), int64(c.AuthFailuresPerMinute))
	checkPositive(ps, join(key, "auth_failures_burst"), int64(c.AuthFailuresBurst))
}
