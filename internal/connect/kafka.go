package connect

import (
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/floorwatch/floorwatch/config"
)

// Kafka returns the options every Kafka client of floorwatch starts from:
// seed brokers, client id, TLS and SASL. Each stage appends what is its
// own (consumer group, transactional id, acks...), and may override the
// client id with a suffixed one.
func Kafka(c config.Kafka) ([]kgo.Opt, error) {
	opts := []kgo.Opt{kgo.SeedBrokers(c.Brokers...), kgo.ClientID(c.ClientID)}
	t, err := TLS(c.TLS)
	if err != nil {
		return nil, fmt.Errorf("kafka: %w", err)
	}
	if t != nil {
		opts = append(opts, kgo.DialTLSConfig(t))
	}
	m, err := saslMechanism(c.SASL)
	if err != nil {
		return nil, fmt.Errorf("kafka: %w", err)
	}
	if m != nil {
		opts = append(opts, kgo.SASL(m))
	}
	return opts, nil
}

func saslMechanism(c config.SASL) (sasl.Mechanism, error) {
	user, pass := c.Username, c.Password.Value()
	switch c.Mechanism {
	case "":
		return nil, nil
	case config.SASLPlain:
		return plain.Auth{User: user, Pass: pass}.AsMechanism(), nil
	case config.SASLScramSHA256:
		return scram.Auth{User: user, Pass: pass}.AsSha256Mechanism(), nil
	case config.SASLScramSHA512:
		return scram.Auth{User: user, Pass: pass}.AsSha512Mechanism(), nil
	}
	return nil, fmt.Errorf("sasl mechanism %q is not one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512", c.Mechanism)
}
