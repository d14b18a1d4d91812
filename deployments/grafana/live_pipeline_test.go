package grafana

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/internal/testenv"
	"github.com/floorwatch/floorwatch/processors/stream"
	"github.com/floorwatch/floorwatch/schemas"
	sinkch "github.com/floorwatch/floorwatch/sinks/clickhouse"
)

// liveNow is the wall clock the processors start at (Friday 20 November
// 2026, 12:00 UTC); the traffic happened before it, and no timer falls
// within ten minutes after it.
var liveNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func at(hhmm string) time.Time {
	t, err := time.Parse("15:04", hhmm)
	if err != nil {
		panic(err)
	}
	return time.Date(2026, 11, 20, t.Hour(), t.Minute(), 0, 0, time.UTC)
}

// liveStories are the conversations of the live-views test, tenant
// default (always open, 15 min threshold, 24 h WhatsApp window, none on
// X): one line per event, "hh:mm kind [name]". As of 12:00:
//
//	q1 sales queued since 10:01, waiting since 10:00
//	q2 answered by ana, then sent back to the support queue at 10:30: no wait open
//	q3 support queued since 11:01
//	a1 sales, bob answered: active, current since support start 10:21
//	a2 support, carl answered, customer wrote again at 11:55: active, current since 11:31
//	r1 sales, ana assigned 10:42, no reply: to recover (unanswered), window until tomorrow 10:40
//	r2 X, support, dan assigned 11:02, no reply: to recover, no window
//	r3 sales, ana assigned 09:32, no reply: to recover, window until tomorrow 09:30
//	c1 closed at 10:30;  b1 still with the bot
var liveStories = map[string][]string{
	"q1": {"10:00 customer_message", "10:01 conversation.routed sales"},
	"q2": {"10:10 customer_message", "10:11 conversation.routed sales", "10:12 conversation.assigned ana",
		"10:15 operator.replied ana", "10:30 conversation.transferred support"},
	"q3": {"11:00 customer_message", "11:01 conversation.routed support"},
	"a1": {"10:20 customer_message", "10:21 conversation.routed sales", "10:22 conversation.assigned bob", "10:25 operator.replied bob"},
	"a2": {"11:30 customer_message", "11:31 conversation.routed support", "11:32 conversation.assigned carl",
		"11:33 operator.replied carl", "11:55 customer_message"},
	"r1": {"10:40 customer_message", "10:41 conversation.routed sales", "10:42 conversation.assigned ana"},
	"r2": {"11:00 customer_message", "11:01 conversation.routed support", "11:02 conversation.assigned dan"},
	"r3": {"09:30 customer_message", "09:31 conversation.routed sales", "09:32 conversation.assigned ana"},
	"c1": {"10:00 customer_message", "10:01 conversation.routed sales", "10:02 conversation.assigned bob",
		"10:03 operator.replied bob", "10:30 conversation.closed bob"},
	"b1": {"11:40 customer_message"},
}

func liveEvents() []schemas.Event {
	var out []schemas.Event
	for customer, lines := range liveStories {
		ch, account := schemas.WhatsApp, "100200300"
		if customer == "r2" {
			ch, account = schemas.X, "4004"
		}
		for i, l := range lines {
			f := strings.Fields(l)
			e := schemas.Event{V: 1, ID: fmt.Sprintf("%s-%d", customer, i), Kind: schemas.Kind(f[1]), Tenant: "default",
				Channel: ch, AccountID: account, CustomerID: customer, OccurredAt: schemas.At(at(f[0])),
				ReceivedAt: schemas.At(at(f[0]))}
			if e.Kind == schemas.KindCustomerMessage {
				e.MessageID = "m-" + e.ID
			}
			switch e.Kind {
			case schemas.KindRouted:
				e.Team = f[2]
			case schemas.KindTransferred:
				e.ToTeam = f[2]
			case schemas.KindAssigned, schemas.KindOperatorReplied, schemas.KindClosed:
				e.Operator = f[2]
			}
			out = append(out, e)
		}
	}
	return out
}

// livePipeline runs the stories through two processor instances sharing
// four partitions, copies every output record into a fresh migrated
// database with the sink's own row mapping, and returns a connection to
// it once the processors stopped.
func livePipeline(t *testing.T) driver.Conn {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the processors on Kafka")
	}
	conn := migrated(t)
	brokers := testenv.KafkaBrokers(t)
	topics := testenv.Topics(t, 4)
	group := testenv.UniqueName(t, "live")
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cl := kafkaClient(t, brokers)
	adm := kadm.NewClient(cl)

	var stops []func() error
	for _, instance := range []string{"a", "b"} {
		r, err := stream.New(stream.Options{Kafka: []kgo.Opt{kgo.SeedBrokers(brokers...)}, Group: group, InstanceID: group + "-" + instance,
			Topics: topics, Policies: config.Default().Directory(),
			FlushInterval: 200 * time.Millisecond, GaugeInterval: 500 * time.Millisecond, IdleAdvance: 300 * time.Millisecond,
			Now: func() time.Time { return liveNow.Add(time.Since(start)) }})
		if err != nil {
			t.Fatal(err)
		}
		rctx, rcancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- r.Run(rctx) }()
		stops = append(stops, func() error { rcancel(); return <-done })
	}
	stopAll := func() {
		for _, stop := range stops {
			if err := stop(); err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("processor: %v", err)
			}
		}
		stops = nil
	}
	defer func() {
		if stops != nil {
			stopAll()
		}
	}()
	waitFor(ctx, t, "both instances own partitions", func() bool { return membersWithPartitions(ctx, adm, group, topics.Events) == 2 })

	var recs []*kgo.Record
	for _, e := range liveEvents() {
		b, err := schemas.MarshalEvent(&e)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, &kgo.Record{Topic: topics.Events, Key: []byte(e.Key().String()), Value: b})
	}
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	waitFor(ctx, t, "every event committed and every partition complete until 12:00", func() bool {
		return caughtUp(ctx, adm, group, topics.Events) && watermarksPast(ctx, t, brokers, topics.Watermarks, 4, liveNow)
	})
	// Gauges are written every GaugeInterval: let each partition snapshot
	// what it holds now, after the last timer fired.
	time.Sleep(2 * time.Second)
	stopAll()

	var rows []sinkch.Row
	for _, topic := range [][2]string{{topics.Metrics, schemas.TopicMetrics}, {topics.Conversations, schemas.TopicConversations},
		{topics.StatusChanges, schemas.TopicStatusChanges}, {topics.Gauges, schemas.TopicGauges}, {topics.Watermarks, schemas.TopicWatermarks}} {
		for _, rec := range readTopic(ctx, t, brokers, topic[0]) {
			rs, err := sinkch.Rows(topic[1], rec.Value)
			if err != nil {
				t.Fatalf("%s: %v", topic[1], err)
			}
			rows = append(rows, rs...)
		}
	}
	if err := sinkch.InsertRows(ctx, conn, rows, "live"); err != nil {
		t.Fatal(err)
	}
	t.Logf("pipeline done in %s, %d rows", time.Since(start).Round(time.Millisecond), len(rows))
	return conn
}

func kafkaClient(t *testing.T, brokers []string, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(brokers...)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

func waitFor(ctx context.Context, t *testing.T, what string, ok func() bool) {
	t.Helper()
	for !ok() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting until %s", what)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// membersWithPartitions counts the group's members that own a partition of topic.
func membersWithPartitions(ctx context.Context, adm *kadm.Client, group, topic string) int {
	gs, err := adm.DescribeGroups(ctx, group)
	if err != nil {
		return 0
	}
	n := 0
	for _, m := range gs[group].Members {
		if a, ok := m.Assigned.AsConsumer(); ok {
			for _, tp := range a.Topics {
				if tp.Topic == topic && len(tp.Partitions) > 0 {
					n++
				}
			}
		}
	}
	return n
}

func caughtUp(ctx context.Context, adm *kadm.Client, group, topic string) bool {
	ends, err := adm.ListEndOffsets(ctx, topic)
	if err != nil {
		return false
	}
	committed, err := adm.FetchOffsets(ctx, group)
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

// watermarksPast reports whether n partitions wrote a watermark at or after t.
func watermarksPast(ctx context.Context, t *testing.T, brokers []string, topic string, n int, until time.Time) bool {
	latest := map[int32]time.Time{}
	for _, rec := range readTopic(ctx, t, brokers, topic) {
		var w schemas.Watermark
		if json.Unmarshal(rec.Value, &w) == nil && w.CompleteUntil.After(latest[w.Partition]) {
			latest[w.Partition] = w.CompleteUntil.Time
		}
	}
	past := 0
	for _, w := range latest {
		if !w.Before(until) {
			past++
		}
	}
	return past == n
}

// readTopic reads a topic, read_committed, up to its last stable offsets.
func readTopic(ctx context.Context, t *testing.T, brokers []string, topic string) []*kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics(topic),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.KeepControlRecords(), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ends, err := kadm.NewClient(cl).ListCommittedOffsets(ctx, topic)
	if err != nil {
		t.Fatal(err)
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
		if ctx.Err() != nil {
			t.Fatalf("reading %s: %v", topic, ctx.Err())
		}
		fs.EachError(func(_ string, _ int32, err error) { t.Fatalf("reading %s: %v", topic, err) })
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
