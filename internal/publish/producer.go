package publish

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Message is one record to write: its topic, key and value.
type Message struct {
	Topic string
	Key   []byte
	Value []byte
}

// Options configure a Producer.
type Options struct {
	// Kafka are the connection options (seed brokers, TLS, SASL:
	// connect.Kafka); the producer adds acks=all and idempotence.
	Kafka    []kgo.Opt
	ClientID string
	// Linger is how long a partition's batch waits for more records;
	// 0 keeps the client's default (10ms), SendAtOnce sends every record
	// at once. Sending at once answers an idle request sooner but, under
	// ingest's load, makes ten times more produce requests: the broker's
	// share of the cores grows and the pipeline's tail latencies with it
	// (docs/ingest.md). The supervisor API, one action at a time, sends
	// at once.
	Linger time.Duration
	// DeliveryTimeout bounds how long a record may sit in the client's
	// buffer (unsent) before it fails; 0 means 30s. Publish returns at its
	// context's deadline whatever the records do.
	DeliveryTimeout time.Duration
	// RequestTimeout bounds one produce request: the broker must answer
	// within it (acks from every in-sync replica included), and the client
	// abandons a connection that stays silent for another RequestTimeout,
	// so a hung broker stops blocking its partitions within
	// 2×RequestTimeout of hanging, not the client's default 20s. Ingest
	// sets its publish timeout: past it the request got its 503 anyway.
	// 0 keeps the client's defaults (10s, plus 10s).
	RequestTimeout time.Duration
	// Extra are further client options (tests, tuning); applied last.
	Extra []kgo.Opt
}

// SendAtOnce is the Linger that sends each record at once.
const SendAtOnce time.Duration = -1

func (o *Options) setDefaults() {
	if o.DeliveryTimeout == 0 {
		o.DeliveryTimeout = 30 * time.Second
	}
}

func (o *Options) validate() error {
	if len(o.Kafka) == 0 {
		return errors.New("publish: no Kafka connection options")
	}
	return nil
}

// Producer writes messages to Kafka with acks from every in-sync replica
// and idempotence (no duplicates from the client's own retries). It is
// safe for concurrent use. The owner calls Close once, after the last
// Publish returned.
type Producer struct {
	cl *kgo.Client
}

// New connects lazily: it fails only on invalid options, never because
// Kafka is down (Ready tells that).
func New(o Options) (*Producer, error) {
	o.setDefaults()
	if err := o.validate(); err != nil {
		return nil, err
	}
	opts := append(slices.Clone(o.Kafka),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.RecordDeliveryTimeout(o.DeliveryTimeout),
		// Idempotent writes are the client's default; say it so no one
		// adds kgo.DisableIdempotentWrite without reading this.
	)
	if o.ClientID != "" {
		opts = append(opts, kgo.ClientID(o.ClientID))
	}
	if o.Linger != 0 {
		opts = append(opts, kgo.ProducerLinger(max(o.Linger, 0)))
	}
	if o.RequestTimeout > 0 {
		opts = append(opts, kgo.ProduceRequestTimeout(max(o.RequestTimeout, time.Second)),
			kgo.RequestTimeoutOverhead(max(o.RequestTimeout, time.Second)))
	}
	cl, err := kgo.NewClient(append(opts, o.Extra...)...)
	if err != nil {
		return nil, fmt.Errorf("publish: kafka client: %w", err)
	}
	return &Producer{cl: cl}, nil
}

// Client returns the underlying client, for admin calls on the same
// connections. Do not close it; close the Producer.
func (p *Producer) Client() *kgo.Client { return p.cl }

// Publish writes msgs and returns nil once Kafka acknowledged every one of
// them. It returns an error when any record failed or when ctx ends first;
// then some records may still be written (at-least-once: consumers
// deduplicate on event ids). It always returns by ctx's deadline.
func (p *Producer) Publish(ctx context.Context, msgs []Message) error {
	if len(msgs) == 0 {
		return nil
	}
	// Buffered so that late promises never block after we returned.
	done := make(chan error, len(msgs))
	promise := func(_ *kgo.Record, err error) { done <- err }
	for i := range msgs {
		m := &msgs[i]
		p.cl.Produce(ctx, &kgo.Record{Topic: m.Topic, Key: m.Key, Value: m.Value}, promise)
	}
	var first error
	for range msgs {
		select {
		case err := <-done:
			if err != nil && first == nil {
				first = err
			}
		case <-ctx.Done():
			return fmt.Errorf("publish %d records: no acknowledgement in time: %w", len(msgs), context.Cause(ctx))
		}
	}
	if first != nil {
		return fmt.Errorf("publish %d records: %w", len(msgs), first)
	}
	return nil
}

// Close flushes what is buffered, waiting at most until ctx ends, then
// closes the client.
func (p *Producer) Close(ctx context.Context) error {
	err := p.cl.Flush(ctx)
	p.cl.Close()
	if err != nil {
		return fmt.Errorf("publish: flush on close: %w", err)
	}
	return nil
}
