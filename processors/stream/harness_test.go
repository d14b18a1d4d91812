package stream

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/internal/testenv"
	"github.com/floorwatch/floorwatch/processors/windows"
	"github.com/floorwatch/floorwatch/schemas"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// kafkaEnv is one test's topics and group on the real broker.
type kafkaEnv struct {
	t       testing.TB
	brokers []string
	topics  schemas.Topics
	group   string
	start   time.Time
	// atLeastOnce runs the runners with exactly-once off.
	atLeastOnce bool
	// policies are the tenants' (default: the defaults for every tenant).
	policies Policies
	// session is the runners' SessionTimeout (default: the runner's).
	session time.Duration
}

func newKafkaEnv(t testing.TB, partitions int32) *kafkaEnv {
	return &kafkaEnv{t: t, brokers: testenv.KafkaBrokers(t), group: testenv.UniqueName(t, "group"), start: time.Now(),
		topics: testenv.Topics(t, partitions)}
}

// options are a runner's options; the wall clock starts at endOfTraffic,
// so idle partitions move their clock there.
func (k *kafkaEnv) options(instance string) Options {
	return Options{Kafka: []kgo.Opt{kgo.SeedBrokers(k.brokers...)}, Group: k.group, InstanceID: instance, Topics: k.topics, Policies: k.policyOrDefault(),
		FlushInterval: 200 * time.Millisecond, GaugeInterval: time.Second, IdleAdvance: 500 * time.Millisecond,
		Now: func() time.Time { return endOfTraffic.Add(time.Since(k.start)) }, Logger: testLogger(instance),
		AtLeastOnce: k.atLeastOnce, SessionTimeout: k.session}
}

func (k *kafkaEnv) policyOrDefault() Policies {
	if k.policies == nil {
		return defaultPolicies{}
	}
	return k.policies
}

func (k *kafkaEnv) client(opts ...kgo.Opt) *kgo.Client {
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(k.brokers...)}, opts...)...)
	if err != nil {
		k.t.Fatal(err)
	}
	k.t.Cleanup(cl.Close)
	return cl
}

// produce writes events keyed by conversation and statuses keyed by operator.
func (k *kafkaEnv) produce(ctx context.Context, events, statuses []schemas.Event) {
	cl := k.client(kgo.ProducerLinger(5 * time.Millisecond))
	var recs []*kgo.Record
	add := func(topic, key string, e *schemas.Event) {
		b, err := schemas.MarshalEvent(e)
		if err != nil {
			k.t.Fatal(err)
		}
		recs = append(recs, &kgo.Record{Topic: topic, Key: []byte(key), Value: b})
	}
	for i := range events {
		add(k.topics.Events, events[i].Key().String(), &events[i])
	}
	for i := range statuses {
		add(k.topics.OperatorStatus, schemas.OperatorKey(statuses[i].Tenant, statuses[i].Operator), &statuses[i])
	}
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		k.t.Fatal(err)
	}
}

// run runs a runner until the returned stop is called.
func (k *kafkaEnv) run(instance string) (stop func() error) {
	r, err := New(k.options(instance))
	if err != nil {
		k.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	return func() error {
		cancel()
		return <-done
	}
}

// waitDone waits until the group committed every event and every
// partition's watermark reached endOfTraffic.
func (k *kafkaEnv) waitDone(ctx context.Context) {
	adm := kadm.NewClient(k.client())
	for {
		if k.caughtUp(ctx, adm) && k.watermarksAt(endOfTraffic) {
			return
		}
		select {
		case <-ctx.Done():
			k.t.Fatal("the processors did not finish in time")
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func (k *kafkaEnv) caughtUp(ctx context.Context, adm *kadm.Client) bool {
	ends, err := adm.ListEndOffsets(ctx, k.topics.Events)
	if err != nil {
		return false
	}
	committed, err := adm.FetchOffsets(ctx, k.group)
	if err != nil {
		return false
	}
	ok := true
	ends.Each(func(o kadm.ListedOffset) {
		c, found := committed.Lookup(o.Topic, o.Partition)
		if o.Offset > 0 && (!found || c.At < o.Offset) {
			ok = false
		}
	})
	return ok
}

func (k *kafkaEnv) watermarksAt(t time.Time) bool {
	latest := map[int32]schemas.Time{}
	for _, rec := range k.readAll(k.topics.Watermarks) {
		var w schemas.Watermark
		if json.Unmarshal(rec.Value, &w) == nil && w.CompleteUntil.After(latest[w.Partition].Time) {
			latest[w.Partition] = w.CompleteUntil
		}
	}
	n := 0
	for _, w := range latest {
		if !w.Before(t) {
			n++
		}
	}
	parts, _ := kadm.NewClient(k.client()).ListEndOffsets(context.Background(), k.topics.Events)
	return n == len(parts[k.topics.Events])
}

// readAll reads a topic, read_committed, up to its last stable offsets.
func (k *kafkaEnv) readAll(topic string) []*kgo.Record {
	cl := k.client(kgo.ConsumeTopics(topic), kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.KeepControlRecords(),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ends, err := kadm.NewClient(cl).ListCommittedOffsets(ctx, topic)
	if err != nil {
		k.t.Fatal(err)
	}
	pending := map[int32]int64{}
	ends.Each(func(o kadm.ListedOffset) {
		if o.Offset > 0 {
			pending[o.Partition] = o.Offset
		}
	})
	var out []*kgo.Record
	for len(pending) > 0 {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			k.t.Fatalf("reading %s: %v", topic, err)
		}
		if err := pollError(fs); err != nil && !errors.Is(err, context.Canceled) {
			k.t.Fatal(err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			if !r.Attrs.IsControl() {
				out = append(out, r)
			}
			if end, ok := pending[r.Partition]; ok && r.Offset+1 >= end {
				delete(pending, r.Partition)
			}
		})
	}
	return out
}

// collect reads every output record of the run.
func (k *kafkaEnv) collect() windows.Records {
	var r windows.Records
	decode := func(topic string, add func([]byte) error) {
		for _, rec := range k.readAll(topic) {
			if err := add(rec.Value); err != nil {
				k.t.Fatalf("%s: %v", topic, err)
			}
		}
	}
	decode(k.topics.Metrics, func(b []byte) error {
		var d schemas.MetricDelta
		err := json.Unmarshal(b, &d)
		r.Deltas = append(r.Deltas, d)
		return err
	})
	decode(k.topics.Conversations, func(b []byte) error {
		var c schemas.ConversationRow
		err := json.Unmarshal(b, &c)
		r.Rows = append(r.Rows, c)
		return err
	})
	decode(k.topics.StatusChanges, func(b []byte) error {
		var c schemas.StatusChange
		err := json.Unmarshal(b, &c)
		r.Changes = append(r.Changes, c)
		return err
	})
	return r
}

// testLogger logs to stderr when FW_TEST_LOG is set, else nowhere.
func testLogger(instance string) *slog.Logger {
	if os.Getenv("FW_TEST_LOG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})).With("instance", instance)
}
