package api

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Publisher writes one action's event and returns nil only once Kafka
// acknowledged it; an error when it failed or ctx ended first (the event
// may still be written later: its id makes a retry count once).
// *KafkaPublisher is the implementation.
type Publisher interface {
	Publish(ctx context.Context, key, value []byte) error
}

// KafkaOptions configure a KafkaPublisher.
type KafkaOptions struct {
	// Kafka are the connection options (seed brokers, TLS, SASL:
	// connect.Kafka); the publisher adds acks=all and idempotence.
	Kafka    []kgo.Opt
	ClientID string
	// Topic is the events topic the processors read (schemas.TopicEvents,
	// prefixed in tests).
	Topic string
	// DeliveryTimeout bounds how long a record may wait in the client's
	// buffer before it fails (0: 30s).
	DeliveryTimeout time.Duration
	// Extra are further client options (tests, tuning); applied last.
	Extra []kgo.Opt
}

// KafkaPublisher produces actions to the events topic with acks from
// every in-sync replica and an idempotent producer (the client's own
// retries never duplicate a record). It is safe for concurrent use; the
// owner calls Close once, after the last Publish returned.
type KafkaPublisher struct {
	cl    *kgo.Client
	topic string
}

// NewKafkaPublisher connects lazily: it fails only on invalid options,
// never because Kafka is down (a Publish then fails at its deadline).
func NewKafkaPublisher(o KafkaOptions) (*KafkaPublisher, error) {
	if len(o.Kafka) == 0 || o.Topic == "" {
		return nil, errors.New("api: the publisher needs Kafka connection options and a topic")
	}
	if o.DeliveryTimeout == 0 {
		o.DeliveryTimeout = 30 * time.Second
	}
	opts := append(slices.Clone(o.Kafka),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.RecordDeliveryTimeout(o.DeliveryTimeout),
		kgo.DefaultProduceTopic(o.Topic),
		// The supervisor's answer waits for the acknowledgement: no
		// linger (the client's default 10 ms) before sending.
		kgo.ProducerLinger(0),
		// Idempotent writes are the client's default; say it so no one
		// adds kgo.DisableIdempotentWrite without reading this.
	)
	if o.ClientID != "" {
		opts = append(opts, kgo.ClientID(o.ClientID))
	}
	cl, err := kgo.NewClient(append(opts, o.Extra...)...)
	if err != nil {
		return nil, fmt.Errorf("api: kafka client: %w", err)
	}
	return &KafkaPublisher{cl: cl, topic: o.Topic}, nil
}

// Publish writes one record keyed by key and waits for its
// acknowledgement, at most until ctx ends.
func (p *KafkaPublisher) Publish(ctx context.Context, key, value []byte) error {
	// Buffered so that a late promise never blocks after we returned.
	done := make(chan error, 1)
	p.cl.Produce(ctx, &kgo.Record{Topic: p.topic, Key: key, Value: value}, func(_ *kgo.Record, err error) { done <- err })
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("publish to %s: %w", p.topic, err)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("publish to %s: no acknowledgement in time: %w", p.topic, context.Cause(ctx))
	}
}

// Warm fetches the producer id, so the first action does not pay for it.
func (p *KafkaPublisher) Warm(ctx context.Context) error {
	if _, _, err := p.cl.ProducerID(ctx); err != nil {
		return fmt.Errorf("api: kafka producer id: %w", err)
	}
	return nil
}

// Close flushes what is buffered, waiting at most until ctx ends, then
// closes the client.
func (p *KafkaPublisher) Close(ctx context.Context) error {
	err := p.cl.Flush(ctx)
	p.cl.Close()
	if err != nil {
		return fmt.Errorf("api: flush on close: %w", err)
	}
	return nil
}
