package config

// Kafka configures the Kafka client shared by every role.
type Kafka struct {
	// Brokers are the seed brokers, host:port each. From the environment:
	// FLOORWATCH_KAFKA_BROKERS="a:9092,b:9092".
	Brokers []string `yaml:"brokers"`
	// ClientID names this process to the brokers (logs, quotas).
	ClientID string `yaml:"client_id"`
	// Partitions is the partition count of topics floorwatch creates; it
	// bounds how far processors and sinks scale out.
	Partitions int `yaml:"partitions"`
	// ReplicationFactor of created topics; -1 takes the broker's default.
	ReplicationFactor int `yaml:"replication_factor"`
	// TLS to the brokers.
	TLS TLS `yaml:"tls"`
	// SASL authentication to the brokers.
	SASL SASL `yaml:"sasl"`
}

func (c *Kafka) setDefaults() {
	c.Brokers = []string{"127.0.0.1:19092"}
	c.ClientID = "floorwatch"
	c.Partitions = 12
	c.ReplicationFactor = -1
}

func (c *Kafka) validate(ps *problems, key string) {
	if len(c.Brokers) == 0 {
		ps.add(join(key, "brokers"), "at least one broker is required")
	}
	for i, b := range c.Brokers {
		checkHostPort(ps, index(join(key, "brokers"), i), b, true)
	}
	if c.ClientID == "" {
		ps.add(join(key, "client_id"), "must not be empty")
	}
	checkPositive(ps, join(key, "partitions"), int64(c.Partitions))
	if c.ReplicationFactor == 0 || c.ReplicationFactor < -1 {
		ps.add(join(key, "replication_factor"), "must be positive, or -1 for the broker's default (got %d)", c.ReplicationFactor)
	}
	c.TLS.validate(ps, join(key, "tls"))
	c.SASL.validate(ps, join(key, "sasl"))
}
