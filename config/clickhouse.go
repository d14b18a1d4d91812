package config

import (
	"regexp"
	"time"
)

// ClickHouse configures the connection of sinks, migrate and the
// supervisor API to ClickHouse (native protocol).
type ClickHouse struct {
	// Addr is the native-protocol host:port.
	Addr string `yaml:"addr"`
	// Database holds every floorwatch table; migrate creates it.
	Database string `yaml:"database"`
	Username string `yaml:"username"`
	// Password may be given inline, as password_file or as password_env.
	Password Secret `yaml:"password"`
	// DialTimeout bounds connecting to the server.
	DialTimeout time.Duration `yaml:"dial_timeout"`
	// EventsTTL is how long the raw events table keeps an event (whole
	// days, at least 24h); migrate applies it.
	EventsTTL time.Duration `yaml:"events_ttl"`
	// TLS to the server (its secure native port, 9440 by default).
	TLS TLS `yaml:"tls"`
}

var identifierRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (c *ClickHouse) setDefaults() {
	c.Addr = "127.0.0.1:19000"
	c.Database = "floorwatch"
	c.Username = "default"
	c.DialTimeout = 5 * time.Second
	c.EventsTTL = 90 * 24 * time.Hour
}

func (c *ClickHouse) validate(ps *problems, key string) {
	checkHostPort(ps, join(key, "addr"), c.Addr, true)
	if !identifierRE.MatchString(c.Database) {
		ps.add(join(key, "database"), "must be a plain identifier (letters, digits, _), got %q", c.Database)
	}
	if c.Username == "" {
		ps.add(join(key, "username"), "must not be empty")
	}
	checkDuration(ps, join(key, "dial_timeout"), c.DialTimeout)
	if c.EventsTTL < 24*time.Hour || c.EventsTTL%(24*time.Hour) != 0 {
		ps.add(join(key, "events_ttl"), "must be a whole number of days, at least 24h, got %s", c.EventsTTL)
	}
	c.TLS.validate(ps, join(key, "tls"))
}
