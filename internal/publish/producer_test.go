package publish_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/internal/publish"
	"github.com/floorwatch/floorwatch/schemas"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

func start(t *testing.T) (*kfake.Cluster, *publish.Producer) {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	p, err := publish.New(publish.Options{Kafka: []kgo.Opt{kgo.SeedBrokers(c.ListenAddrs()...)}, Linger: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = p.Close(ctx)
	})
	return c, p
}

func TestTopicsAreCreatedOnceThenReady(t *testing.T) {
	_, p := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	topics := schemas.NewTopics("").IngestTopics()
	if err := p.Ready(ctx, topics); err == nil {
		t.Fatal("ready before the topics exist")
	}
	if _, err := kadm.NewClient(p.Client()).CreateTopics(ctx, 3, -1, nil, topics...); err != nil {
		t.Fatal(err)
	}
	if err := p.Warm(ctx, topics); err != nil {
		t.Fatalf("not warm after creating the topics: %v", err)
	}
}

func TestPublishReturnsOnceAcknowledged(t *testing.T) {
	_, p := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := kadm.NewClient(p.Client()).CreateTopics(ctx, 3, -1, nil, schemas.NewTopics("").IngestTopics()...); err != nil {
		t.Fatal(err)
	}
	msgs := []publish.Message{{Topic: "floorwatch.events", Key: []byte("a"), Value: []byte("{}")},
		{Topic: "floorwatch.ingest.dead-letters", Value: []byte("{}")}}
	if err := p.Publish(ctx, msgs); err != nil {
		t.Fatal(err)
	}
}

func TestPublishGivesUpAtTheDeadline(t *testing.T) {
	c, p := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := kadm.NewClient(p.Client()).CreateTopics(ctx, 1, -1, nil, schemas.NewTopics("").IngestTopics()...); err != nil {
		t.Fatal(err)
	}
	c.ControlKey(int16(kmsg.Produce), func(kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		return nil, nil, true // never answer
	})
	short, cancelShort := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancelShort()
	start := time.Now()
	err := p.Publish(short, []publish.Message{{Topic: "floorwatch.events", Value: []byte("{}")}})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Publish: %v, want the deadline error", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("returned after %v, want about 200ms", d)
	}
}
