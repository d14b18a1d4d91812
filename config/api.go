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
}

func (c *API) setDefaults() {
	c.Listen = "127.0.0.1:8090"
	c.PublishTimeout = 5 * time.Second
}

func (c *API) validate(ps *problems, key string) {
	checkHostPort(ps, join(key, "listen"), c.Listen, false)
	checkDuration(ps, join(key, "publish_timeout"), c.PublishTimeout)
}
