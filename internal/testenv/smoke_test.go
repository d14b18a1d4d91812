// Smoke tests of the services themselves, through the testenv helpers: they
// check, against a real broker and a real ClickHouse, the behaviour every
// stage of floorwatch builds on (Kafka transactions with read_committed
// consumers, transactional consume-produce, consumer-group commits, and
// ClickHouse batched inserts deduplicated by token). They live here, beside
// the helpers, so that a broken local setup shows up in one place first.
// Without services they skip, unless FLOORWATCH_REQUIRE_SERVICES=1.
package testenv_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/floorwatch/floorwatch/internal/testenv"
)

func timeout(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func values(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%02d", prefix, i)
	}
	return out
}

func records(vals []string) []*kgo.Record {
	out := make([]*kgo.Record, len(vals))
	for i, v := range vals {
		out[i] = &kgo.Record{Key: []byte(v), Value: []byte(v)}
	}
	return out
}

// pollN polls until it has n records, failing the test if ctx ends first.
func pollN(ctx context.Context, t *testing.T, poll func(context.Context) kgo.Fetches, n int) []*kgo.Record {
	t.Helper()
	var got []*kgo.Record
	for len(got) < n {
		fs := poll(ctx)
		if ctx.Err() != nil {
			t.Fatalf("got %d of %d records before the deadline: %v", len(got), n, valuesOf(got))
		}
		fs.EachError(func(topic string, p int32, err error) {
			t.Fatalf("fetch %s/%d: %v", topic, p, err)
		})
		got = append(got, fs.Records()...)
	}
	return got
}

// pollNone checks that nothing more arrives for d.
func pollNone(ctx context.Context, t *testing.T, poll func(context.Context) kgo.Fetches, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	for ctx.Err() == nil {
		if recs := poll(ctx).Records(); len(recs) > 0 {
			t.Fatalf("unexpected records: %v", valuesOf(recs))
		}
	}
}

func valuesOf(recs []*kgo.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = string(r.Value)
	}
	slices.Sort(out)
	return out
}

func sorted(parts ...[]string) []string {
	out := slices.Concat(parts...)
	slices.Sort(out)
	return out
}

func equal(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("%s:\n got  %v\n want %v", what, got, want)
	}
}

// TestKafkaTransactions: records of a committed transaction are read by a
// read_committed consumer, those of an aborted one never, and those of an open
// one only once it commits; a read_uncommitted consumer sees all of them.
func TestKafkaTransactions(t *testing.T) {
	ctx := timeout(t, 2*time.Minute)
	topic := testenv.CreateTopic(t, "smoke", 3, nil)
	prod := testenv.KafkaClient(t,
		kgo.TransactionalID(testenv.UniqueName(t, "txn")),
		kgo.DefaultProduceTopic(topic),
	)
	begin := func(vals []string) {
		t.Helper()
		if err := prod.BeginTransaction(); err != nil {
			t.Fatalf("begin: %v", err)
		}
		if err := prod.ProduceSync(ctx, records(vals)...).FirstErr(); err != nil {
			t.Fatalf("produce: %v", err)
		}
	}
	end := func(how kgo.TransactionEndTry) {
		t.Helper()
		if err := prod.EndTransaction(ctx, how); err != nil {
			t.Fatalf("end transaction (commit=%v): %v", how, err)
		}
	}
	committed, aborted, pending := values("committed", 10), values("aborted", 5), values("pending", 4)
	begin(committed)
	end(kgo.TryCommit)
	begin(aborted)
	end(kgo.TryAbort)
	begin(pending) // left open for now

	cons := testenv.KafkaClient(t,
		kgo.ConsumeTopics(topic),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
	)
	equal(t, "read_committed while a transaction is open", valuesOf(pollN(ctx, t, cons.PollFetches, len(committed))), sorted(committed))
	pollNone(ctx, t, cons.PollFetches, time.Second)

	end(kgo.TryCommit)
	equal(t, "read_committed after the commit", valuesOf(pollN(ctx, t, cons.PollFetches, len(pending))), sorted(pending))
	pollNone(ctx, t, cons.PollFetches, 500*time.Millisecond)

	dirty := testenv.KafkaClient(t,
		kgo.ConsumeTopics(topic),
		kgo.FetchIsolationLevel(kgo.ReadUncommitted()),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
	)
	all := sorted(committed, aborted, pending)
	equal(t, "read_uncommitted", valuesOf(pollN(ctx, t, dirty.PollFetches, len(all))), all)
}

// committedSum adds up the offsets a group committed on topic.
func committedSum(ctx context.Context, t *testing.T, adm *kadm.Client, group, topic string) int64 {
	t.Helper()
	offs, err := adm.FetchOffsets(ctx, group)
	if err == nil {
		err = offs.Error()
	}
	if err != nil {
		t.Fatalf("fetch offsets of %s: %v", group, err)
	}
	var sum int64
	offs.Each(func(o kadm.OffsetResponse) {
		if o.Topic == topic {
			sum += o.At
		}
	})
	return sum
}

// waitCommitted waits until the group's offsets on topic add up to want: the
// offsets of a committed transaction become visible once the coordinator has
// written the commit markers, shortly after EndTransaction returns.
func waitCommitted(ctx context.Context, t *testing.T, adm *kadm.Client, group, topic string, want int64) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		got := committedSum(ctx, t, adm, group, topic)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("group %s: committed offsets on %s add up to %d, want %d", group, topic, got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestKafkaConsumerGroupCommit: a group member commits what it read; the next
// member of the group resumes exactly there.
func TestKafkaConsumerGroupCommit(t *testing.T) {
	ctx := timeout(t, 2*time.Minute)
	topic := testenv.CreateTopic(t, "smoke", 2, nil)
	group := testenv.UniqueName(t, "group")
	all := values("rec", 20)
	prod := testenv.KafkaClient(t, kgo.DefaultProduceTopic(topic))
	if err := prod.ProduceSync(ctx, records(all)...).FirstErr(); err != nil {
		t.Fatalf("produce: %v", err)
	}
	opts := []kgo.Opt{
		kgo.ConsumerGroup(group),
		kgo.ConsumeTopics(topic),
		kgo.DisableAutoCommit(),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
	}

	first, err := kgo.NewClient(append(opts, kgo.SeedBrokers(testenv.KafkaBrokers(t)...))...)
	if err != nil {
		t.Fatal(err)
	}
	const firstN = 8
	read := pollN(ctx, t, func(ctx context.Context) kgo.Fetches { return first.PollRecords(ctx, firstN) }, firstN)
	if len(read) != firstN {
		t.Fatalf("PollRecords gave %d records, want %d", len(read), firstN)
	}
	if err := first.CommitRecords(ctx, read...); err != nil {
		t.Fatalf("commit: %v", err)
	}
	first.Close() // leaves the group; the records it buffered but did not return are not committed

	adm := testenv.KafkaAdmin(t)
	if got := committedSum(ctx, t, adm, group, topic); got != int64(len(read)) {
		t.Fatalf("committed offsets add up to %d, want %d", got, len(read))
	}

	second := testenv.KafkaClient(t, opts...)
	rest := pollN(ctx, t, second.PollFetches, len(all)-len(read))
	pollNone(ctx, t, second.PollFetches, 500*time.Millisecond)
	equal(t, "records read by the two members", valuesOf(append(read, rest...)), sorted(all))
}

// TestKafkaTransactionalConsumeProduce is the processors' pattern: consume,
// produce and commit the consumed offsets in one transaction. An aborted
// transaction leaves neither output nor offsets, and its input is processed
// again; in the end every input appears exactly once in the output.
func TestKafkaTransactionalConsumeProduce(t *testing.T) {
	ctx := timeout(t, 2*time.Minute)
	in := testenv.CreateTopic(t, "smoke_in", 2, nil)
	out := testenv.CreateTopic(t, "smoke_out", 2, nil)
	group := testenv.UniqueName(t, "group")
	prod := testenv.KafkaClient(t, kgo.DefaultProduceTopic(in))
	first, second := values("in", 10), values("late", 5)
	if err := prod.ProduceSync(ctx, records(first)...).FirstErr(); err != nil {
		t.Fatalf("produce: %v", err)
	}

	sess, err := kgo.NewGroupTransactSession(
		kgo.SeedBrokers(testenv.KafkaBrokers(t)...),
		kgo.TransactionalID(testenv.UniqueName(t, "txn")),
		kgo.ConsumerGroup(group),
		kgo.ConsumeTopics(in),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.DefaultProduceTopic(out),
	)
	if err != nil {
		t.Fatalf("session: %v", err)
	}
	defer sess.CloseAllowingRebalance() // a session blocks rebalances while it polls: plain Close can hang

	// process runs one transaction over the next n input records.
	process := func(n int, how kgo.TransactionEndTry) []string {
		t.Helper()
		if err := sess.Begin(); err != nil {
			t.Fatalf("begin: %v", err)
		}
		recs := pollN(ctx, t, sess.PollFetches, n)
		var wg sync.WaitGroup
		var produceErr atomic.Value
		for _, r := range recs {
			v := "out:" + string(r.Value)
			wg.Add(1)
			sess.Produce(ctx, &kgo.Record{Key: r.Key, Value: []byte(v)}, func(_ *kgo.Record, err error) {
				defer wg.Done()
				if err != nil {
					produceErr.CompareAndSwap(nil, err)
				}
			})
		}
		ok, err := sess.End(ctx, how)
		if err != nil {
			t.Fatalf("end: %v", err)
		}
		wg.Wait()
		if err, _ := produceErr.Load().(error); err != nil && how == kgo.TryCommit {
			t.Fatalf("produce: %v", err) // aborting fails the buffered records on purpose
		}
		if ok != bool(how) {
			t.Fatalf("end: committed=%v, want %v", ok, bool(how))
		}
		return valuesOf(recs)
	}

	adm := testenv.KafkaAdmin(t)
	equal(t, "first transaction's input", process(len(first), kgo.TryCommit), sorted(first))
	waitCommitted(ctx, t, adm, group, in, int64(len(first)))

	if err := prod.ProduceSync(ctx, records(second)...).FirstErr(); err != nil {
		t.Fatalf("produce: %v", err)
	}
	equal(t, "aborted transaction's input", process(len(second), kgo.TryAbort), sorted(second))
	if got := committedSum(ctx, t, adm, group, in); got != int64(len(first)) {
		t.Fatalf("offsets after abort add up to %d, want %d", got, len(first))
	}
	equal(t, "input processed again after the abort", process(len(second), kgo.TryCommit), sorted(second))
	waitCommitted(ctx, t, adm, group, in, int64(len(first)+len(second)))

	reader := testenv.KafkaClient(t,
		kgo.ConsumeTopics(out),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
	)
	var want []string
	for _, v := range sorted(first, second) {
		want = append(want, "out:"+v)
	}
	slices.Sort(want)
	equal(t, "committed output", valuesOf(pollN(ctx, t, reader.PollFetches, len(want))), want)
	pollNone(ctx, t, reader.PollFetches, 500*time.Millisecond)
}

type event struct {
	Tenant string
	ID     uint64
	At     time.Time
	Body   string
}

func insertEvents(ctx context.Context, t *testing.T, conn driver.Conn, token string, evs []event) {
	t.Helper()
	ctx = clickhouse.Context(ctx, clickhouse.WithSettings(clickhouse.Settings{
		"insert_deduplication_token": token,
	}))
	batch, err := conn.PrepareBatch(ctx, "INSERT INTO events")
	if err != nil {
		t.Fatalf("prepare batch: %v", err)
	}
	for _, e := range evs {
		if err := batch.Append(e.Tenant, e.ID, e.At, e.Body); err != nil {
			t.Fatalf("append: %v", err)
		}
	}
	if err := batch.Send(); err != nil {
		t.Fatalf("send: %v", err)
	}
}

func countRows(ctx context.Context, t *testing.T, conn driver.Conn) uint64 {
	t.Helper()
	var n uint64
	if err := conn.QueryRow(ctx, "SELECT count() FROM events").Scan(&n); err != nil {
		t.Fatalf("count: %v", err)
	}
	return n
}

// TestClickHouseDedupInsert: a batch sent twice with the same
// insert_deduplication_token lands once on a MergeTree table with a
// deduplication window; another token lands again. Values round-trip over the
// native protocol and are visible over HTTP.
func TestClickHouseDedupInsert(t *testing.T) {
	ctx := timeout(t, 2*time.Minute)
	conn, db := testenv.ClickHouseDatabase(t, "smoke")
	err := conn.Exec(ctx, `CREATE TABLE events (
		tenant LowCardinality(String),
		id     UInt64,
		at     DateTime64(3, 'UTC'),
		body   String
	) ENGINE = MergeTree ORDER BY (tenant, id)
	SETTINGS non_replicated_deduplication_window = 1000`)
	if err != nil {
		t.Fatalf("create table: %v", err)
	}

	base := time.Date(2026, 1, 2, 3, 4, 5, 678_000_000, time.UTC)
	batch := func(from, n int) []event {
		evs := make([]event, n)
		for i := range evs {
			id := from + i
			evs[i] = event{Tenant: fmt.Sprintf("t%d", id%3), ID: uint64(id), At: base.Add(time.Duration(id) * time.Millisecond), Body: fmt.Sprintf("body %d", id)}
		}
		return evs
	}
	first := batch(0, 1000)
	insertEvents(ctx, t, conn, "batch-1", first)
	if n := countRows(ctx, t, conn); n != 1000 {
		t.Fatalf("after the first insert: %d rows, want 1000", n)
	}
	insertEvents(ctx, t, conn, "batch-1", first)
	if n := countRows(ctx, t, conn); n != 1000 {
		t.Fatalf("after the same batch with the same token: %d rows, want 1000 (deduplicated)", n)
	}
	insertEvents(ctx, t, conn, "batch-2", batch(1000, 500))
	if n := countRows(ctx, t, conn); n != 1500 {
		t.Fatalf("after a batch with another token: %d rows, want 1500", n)
	}

	var got event
	if err := conn.QueryRow(ctx, "SELECT tenant, id, at, body FROM events WHERE id = 1234").
		Scan(&got.Tenant, &got.ID, &got.At, &got.Body); err != nil {
		t.Fatalf("select: %v", err)
	}
	if want := batch(1234, 1)[0]; got.Tenant != want.Tenant || got.ID != want.ID || !got.At.Equal(want.At) || got.Body != want.Body {
		t.Fatalf("row 1234 = %+v, want %+v", got, want)
	}

	_, httpURL := testenv.ClickHouse(t)
	q := url.Values{"query": {"SELECT count(), uniqExact(id) FROM " + db + ".events"}}
	resp, err := http.Get(httpURL + "/?" + q.Encode())
	if err != nil {
		t.Fatalf("http: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != "1500\t1500" {
		t.Fatalf("http: %s: %q, want \"1500\\t1500\"", resp.Status, body)
	}
}
