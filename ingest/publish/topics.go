package publish

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Topics names the topics ingest writes. Tests use unique names; a
// deployment uses DefaultTopics.
type Topics struct {
	Events         string // conversation events, keyed by ConversationKey
	OperatorStatus string // operator.status events, keyed by OperatorKey
	DeadLetters    string // raw signed bodies that could not be normalized
}

// DefaultTopics returns the topic names of schemas.
func DefaultTopics() Topics {
	return Topics{Events: schemas.TopicEvents, OperatorStatus: schemas.TopicOperatorStatus,
		DeadLetters: schemas.TopicIngestDeadLetters}
}

// All lists the topics.
func (t Topics) All() []string { return []string{t.Events, t.OperatorStatus, t.DeadLetters} }

// Ready reports whether Kafka answers metadata for every topic of t and
// each of them exists with a leader for every partition. It asks a broker
// each time (no cached metadata), so it sees a topic created a moment ago.
func (p *Producer) Ready(ctx context.Context, t Topics) error {
	req := kmsg.NewPtrMetadataRequest()
	req.AllowAutoTopicCreation = false // asking must not create
	for _, name := range t.All() {
		rt := kmsg.NewMetadataRequestTopic()
		rt.Topic = kmsg.StringPtr(name)
		req.Topics = append(req.Topics, rt)
	}
	resp, err := req.RequestWith(ctx, p.cl)
	if err != nil {
		return fmt.Errorf("kafka metadata: %w", err)
	}
	found := map[string]bool{}
	for _, td := range resp.Topics {
		var name string
		if td.Topic != nil {
			name = *td.Topic
		}
		if err := kerr.ErrorForCode(td.ErrorCode); err != nil {
			return fmt.Errorf("topic %s: %w", name, err)
		}
		for _, pd := range td.Partitions {
			if pd.Leader < 0 || pd.ErrorCode != 0 {
				return fmt.Errorf("topic %s partition %d has no leader", name, pd.Partition)
			}
		}
		found[name] = len(td.Partitions) > 0
	}
	for _, name := range t.All() {
		if !found[name] {
			return fmt.Errorf("topic %s: %w", name, kerr.UnknownTopicOrPartition)
		}
	}
	return nil
}

// EnsureTopics creates the topics of t that do not exist, with partitions
// partitions and replicationFactor replicas (-1: the broker's default).
// Existing topics are left as they are.
func (p *Producer) EnsureTopics(ctx context.Context, t Topics, partitions int32, replicationFactor int16) error {
	resp, err := kadm.NewClient(p.cl).CreateTopics(ctx, partitions, replicationFactor, nil, t.All()...)
	if err != nil {
		return fmt.Errorf("create topics: %w", err)
	}
	for _, r := range resp.Sorted() {
		if r.Err != nil && !errors.Is(r.Err, kerr.TopicAlreadyExists) {
			return fmt.Errorf("create topic %s: %w", r.Topic, r.Err)
		}
	}
	return nil
}

// Warm waits until Ready(t) holds and the idempotent producer has its
// producer id, so the first request does not pay for either. It returns
// ctx's error if that does not happen before ctx ends.
func (p *Producer) Warm(ctx context.Context, t Topics) error {
	for {
		err := p.Ready(ctx, t)
		if err == nil {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("kafka not ready: %w", err)
		case <-time.After(200 * time.Millisecond):
		}
	}
	if _, _, err := p.cl.ProducerID(ctx); err != nil {
		return fmt.Errorf("kafka producer id: %w", err)
	}
	return nil
}
