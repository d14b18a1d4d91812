package api

import (
	"context"

	"github.com/floorwatch/floorwatch/internal/publish"
)

// Publisher writes one action's event and returns nil only once Kafka
// acknowledged it; an error when it failed or ctx ended first (the event
// may still be written later: its id makes a retry count once).
// KafkaPublisher is the implementation.
type Publisher interface {
	Publish(ctx context.Context, key, value []byte) error
}

// KafkaPublisher writes each action as one record on the events topic the
// processors read, through the producer ingest uses (acks from every
// in-sync replica, idempotent). Its owner builds the producer with
// publish.SendAtOnce: the supervisor's answer waits for the
// acknowledgement, not for a batch to fill.
type KafkaPublisher struct {
	Producer *publish.Producer
	Topic    string // schemas.TopicEvents, prefixed in tests
}

// Publish writes one record keyed by key and waits for its
// acknowledgement, at most until ctx ends.
func (p KafkaPublisher) Publish(ctx context.Context, key, value []byte) error {
	return p.Producer.Publish(ctx, []publish.Message{{Topic: p.Topic, Key: key, Value: value}})
}
