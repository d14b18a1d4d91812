package config

import "time"

// Process configures the processors role (conversation state and windows).
type Process struct {
	// FlushInterval is how often processors commit output and checkpoint
	// state (one Kafka transaction per interval and partition).
	FlushInterval time.Duration `yaml:"flush_interval"`
	// GaugeInterval is the spacing of open-case gauge snapshots.
	GaugeInterval time.Duration `yaml:"gauge_interval"`
	// IdleAdvance is how often an idle partition's event-time clock is
	// advanced from the wall clock so timers and windows still fire.
	IdleAdvance time.Duration `yaml:"idle_advance"`
	// ExactlyOnce commits outputs, state and offsets in one Kafka
	// transaction. Off (a plain consumer group and an idempotent
	// producer, offsets committed after the outputs were acknowledged)
	// trades duplicates after a crash for throughput.
	ExactlyOnce bool `yaml:"exactly_once"`
}

func (c *Process) setDefaults() {
	c.FlushInterval = 500 * time.Millisecond
	c.GaugeInterval = 10 * time.Second
	c.IdleAdvance = time.Second
	c.ExactlyOnce = true
}

func (c *Process) validate(ps *problems, key string) {
	checkDuration(ps, join(key, "flush_interval"), c.FlushInterval)
	checkDuration(ps, join(key, "gauge_interval"), c.GaugeInterval)
	checkDuration(ps, join(key, "idle_advance"), c.IdleAdvance)
}
