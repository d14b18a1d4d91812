package config

// Metrics configures the Prometheus endpoint every role serves.
type Metrics struct {
	// Listen is the host:port of /metrics; empty disables the endpoint.
	Listen string `yaml:"listen"`
}

func (c *Metrics) setDefaults() { c.Listen = "127.0.0.1:9464" }

func (c *Metrics) validate(ps *problems, key string) {
	if c.Listen != "" {
		checkHostPort(ps, join(key, "listen"), c.Listen, false)
	}
}

// Log configures the process logger.
type Log struct {
	// Level is debug, info, warn or error.
	Level string `yaml:"level"`
	// Format is text (for people) or json (for log collectors).
	Format string `yaml:"format"`
}

func (c *Log) setDefaults() {
	c.Level = "info"
	c.Format = "text"
}

func (c *Log) validate(ps *problems, key string) {
	checkOneOf(ps, join(key, "level"), c.Level, "debug", "info", "warn", "error")
	checkOneOf(ps, join(key, "format"), c.Format, "text", "json")
}
