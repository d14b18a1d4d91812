package connect

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/floorwatch/floorwatch/schemas"
)

// EnsureTopics creates the topics of t that are missing, as every role
// does at start-up (idempotent; existing topics are left as they are):
// each with partitions partitions and rf replicas (-1: the broker's
// default), except the processors' changelog, which is compacted and has
// exactly as many partitions as the events topic (changelog partition n
// holds the state of events partition n). An existing changelog with
// another count is an error.
func EnsureTopics(ctx context.Context, adm *kadm.Client, t schemas.Topics, partitions int32, rf int16) error {
	if err := create(ctx, adm, partitions, rf, nil, t.Events, t.OperatorStatus, t.IngestDeadLetters); err != nil {
		return err
	}
	n, err := partitionCount(ctx, adm, t.Events)
	if err != nil {
		return err
	}
	compact := "compact"
	if err := create(ctx, adm, n, rf, map[string]*string{"cleanup.policy": &compact}, t.State); err != nil {
		return err
	}
	if m, err := partitionCount(ctx, adm, t.State); err != nil {
		return err
	} else if m != n {
		return fmt.Errorf("topic %s has %d partitions, the events topic %s has %d: they must match", t.State, m, t.Events, n)
	}
	if err := create(ctx, adm, partitions, rf, map[string]*string{"cleanup.policy": &compact}, t.Alerts); err != nil {
		return err
	}
	return create(ctx, adm, partitions, rf, nil, t.ProcessorOutputs()...)
}

func create(ctx context.Context, adm *kadm.Client, partitions int32, rf int16, configs map[string]*string, topics ...string) error {
	resp, err := adm.CreateTopics(ctx, partitions, rf, configs, topics...)
	if err != nil {
		return fmt.Errorf("create topics %v: %w", topics, err)
	}
	for _, r := range resp.Sorted() {
		if r.Err != nil && !errors.Is(r.Err, kerr.TopicAlreadyExists) {
			return fmt.Errorf("create topic %s: %w", r.Topic, r.Err)
		}
	}
	return nil
}

// partitionCount describes topic, waiting (until ctx ends) while the
// broker does not know it yet: metadata lags a moment behind a topic that
// was just created, by this process or another.
func partitionCount(ctx context.Context, adm *kadm.Client, topic string) (int32, error) {
	for wait := 20 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		td, err := adm.ListTopics(ctx, topic)
		if err != nil {
			return 0, fmt.Errorf("describe topic %s: %w", topic, err)
		}
		d, ok := td[topic]
		if ok && d.Err == nil && len(d.Partitions) > 0 {
			return int32(len(d.Partitions)), nil
		}
		if ok && d.Err != nil && !errors.Is(d.Err, kerr.UnknownTopicOrPartition) {
			return 0, fmt.Errorf("describe topic %s: %w", topic, d.Err)
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("describe topic %s: %v (%w)", topic, d.Err, ctx.Err())
		case <-time.After(wait):
		}
	}
}
