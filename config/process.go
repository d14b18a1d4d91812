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
	// SessionTimeout is how long a dead processor keeps its partitions
	// before another instance takes them over. Brokers refuse values
	// under their group.min.session.timeout.ms (6 s by default).
	SessionTimeout time.Duration `yaml:"session_timeout"`
}

func (c *Process) setDefaults() {
	c.FlushInterval = 500 * time.Millisecond
	c.GaugeInterval = 10 * time.Second
	c.IdleAdvance = time.Second
	c.ExactlyOnce = true
	c.SessionTimeout = 6 * time.Second
}

func (c *Process) validate(ps *problems, key string) {
	checkDuration(ps, join(key, "flush_interval"), c.FlushInterval)
	checkDuration(ps, join(key, "gauge_interval"), c.GaugeInterval)
	checkDuration(ps, join(key, "idle_advance"), c.IdleAdvance)
	checkDuration(ps, join(key, "session_timeout"), c.SessionTimeout)
}
