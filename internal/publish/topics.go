package publish

import (
	"context"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Ready reports whether Kafka answers metadata for every topic and each
// of them exists with a leader for every partition. It asks a broker each
// time (no cached metadata), so it sees a topic created a moment ago.
func (p *Producer) Ready(ctx context.Context, topics []string) error {
	req := kmsg.NewPtrMetadataRequest()
	req.AllowAutoTopicCreation = false // asking must not create
	for _, name := range topics {
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
	for _, name := range topics {
		if !found[name] {
			return fmt.Errorf("topic %s: %w", name, kerr.UnknownTopicOrPartition)
		}
	}
	return nil
}

// Warm waits until Ready(topics) holds and the idempotent producer has its
// producer id, so the first request does not pay for either. It returns
// ctx's error if that does not happen before ctx ends.
func (p *Producer) Warm(ctx context.Context, topics []string) error {
	for {
		err := p.Ready(ctx, topics)
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
