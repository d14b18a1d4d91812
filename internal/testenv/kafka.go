package testenv

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/internal/connect"
	"github.com/floorwatch/floorwatch/schemas"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// KafkaClient returns a franz-go client seeded with KafkaBrokers plus opts,
// closed when the test ends.
func KafkaClient(tb testing.TB, opts ...kgo.Opt) *kgo.Client {
	tb.Helper()
	brokers := KafkaBrokers(tb)
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(brokers...)}, opts...)...)
	if err != nil {
		tb.Fatalf("testenv: kafka client: %v", err)
	}
	tb.Cleanup(cl.Close)
	return cl
}

// KafkaAdmin returns a kadm admin client on KafkaBrokers, closed when the test ends.
func KafkaAdmin(tb testing.TB) *kadm.Client {
	tb.Helper()
	return kadm.NewClient(KafkaClient(tb))
}

// CreateTopic creates a topic named UniqueName(tb, prefix) with the given
// number of partitions (one replica each) and topic configs (nil for the
// broker's defaults), waits until every partition has a leader, and deletes
// the topic when the test ends. It returns the topic's name.
func CreateTopic(tb testing.TB, prefix string, partitions int32, configs map[string]*string) string {
	tb.Helper()
	adm := KafkaAdmin(tb)
	topic := UniqueName(tb, prefix)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := adm.CreateTopic(ctx, partitions, 1, configs, topic); err != nil {
		tb.Fatalf("testenv: create topic %s: %v", topic, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		resp, err := adm.DeleteTopics(ctx, topic)
		if err == nil {
			err = resp.Error()
		}
		if err != nil {
			tb.Logf("testenv: delete topic %s: %v", topic, err)
		}
	})
	if err := waitForLeaders(ctx, adm, topic, partitions); err != nil {
		tb.Fatalf("testenv: topic %s: %v", topic, err)
	}
	return topic
}

func waitForLeaders(ctx context.Context, adm *kadm.Client, topic string, partitions int32) error {
	var last error
	for {
		md, err := adm.Metadata(ctx, topic)
		if err == nil {
			last = leadersReady(md, topic, partitions)
			if last == nil {
				return nil
			}
		} else {
			last = err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("partitions without a leader: %w", errors.Join(ctx.Err(), last))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func leadersReady(md kadm.Metadata, topic string, partitions int32) error {
	td, ok := md.Topics[topic]
	if !ok {
		return errors.New("not in metadata yet")
	}
	if td.Err != nil {
		return td.Err
	}
	if int32(len(td.Partitions)) != partitions {
		return fmt.Errorf("%d of %d partitions in metadata", len(td.Partitions), partitions)
	}
	for _, p := range td.Partitions {
		if p.Err != nil {
			return fmt.Errorf("partition %d: %w", p.Partition, p.Err)
		}
		if p.Leader < 0 {
			return fmt.Errorf("partition %d has no leader", p.Partition)
		}
	}
	return nil
}

// Topics creates the whole set of pipeline topics under a unique prefix
// (connect.EnsureTopics: partitions partitions each, the changelog
// compacted with as many as the events topic), waits until every
// partition has a leader, and deletes them when the test ends.
func Topics(tb testing.TB, partitions int32) schemas.Topics {
	tb.Helper()
	adm := KafkaAdmin(tb)
	t := schemas.NewTopics(UniqueName(tb, "fw") + ".")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := connect.EnsureTopics(ctx, adm, t, partitions, 1); err != nil {
		tb.Fatalf("testenv: create topics %s*: %v", t.Prefix, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if _, err := adm.DeleteTopics(ctx, t.All()...); err != nil {
			tb.Logf("testenv: delete topics %s*: %v", t.Prefix, err)
		}
	})
	for _, topic := range t.All() {
		if err := waitForLeaders(ctx, adm, topic, partitions); err != nil {
			tb.Fatalf("testenv: topic %s: %v", topic, err)
		}
	}
	return t
}

// KafkaOptions are the connection options of the test broker, as
// connect.Kafka builds them for a deployment.
func KafkaOptions(tb testing.TB) []kgo.Opt {
	return []kgo.Opt{kgo.SeedBrokers(KafkaBrokers(tb)...)}
}
