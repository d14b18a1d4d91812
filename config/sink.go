package config

import "time"

// Sink configures the sinks role (Kafka to ClickHouse).
type Sink struct {
	// BatchRows sends a batch once it holds this many rows.
	BatchRows int `yaml:"batch_rows"`
	// BatchInterval sends a non-empty batch at least this often.
	BatchInterval time.Duration `yaml:"batch_interval"`
}

func (c *Sink) setDefaults() {
	c.BatchRows = 10000
	c.BatchInterval = 500 * time.Millisecond
}

func (c *Sink) validate(ps *problems, key string) {
	checkPositive(ps, join(key, "batch_rows"), int64(c.BatchRows))
	checkDuration(ps, join(key, "batch_interval"), c.BatchInterval)
}
