package main

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/internal/testenv"
	"github.com/floorwatch/floorwatch/schemas"
	sinkch "github.com/floorwatch/floorwatch/sinks/clickhouse"
)

// The processors drain on SIGTERM: they end the open transaction with a
// commit and leave the group (their static member too), so that right
// after the exit the group has no member, nothing is left half-written,
// and the committed offsets cover exactly what the committed outputs hold.
func TestProcessOnSIGTERMCommitsItsTransactionAndLeavesTheGroup(t *testing.T) {
	if testing.Short() {
		t.Skip("runs floorwatch process against Kafka")
	}
	brokers := testenv.KafkaBrokers(t)
	topics := testenv.Topics(t, 2)
	group := topics.Prefix + "floorwatch-process"
	bin := testenv.BuildFloorwatch(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	proc := testenv.StartFloorwatch(t, bin, roleEnv(t, brokers, ""), "process", "--config", emptyConfig(t),
		"--instance", "drain-1", "--topic-prefix", topics.Prefix)
	metrics := proc.Await(ctx, t, "metrics listening")["addr"].(string)
	testenv.AwaitReady(ctx, t, metrics)

	// Traffic until the process has exited: each event opens a
	// conversation of its own, so each writes its own changelog key.
	prod := testenv.KafkaClient(t)
	var sent sentEvents
	stopTraffic := make(chan struct{})
	trafficDone := make(chan struct{})
	go func() {
		defer close(trafficDone)
		for i := 0; ; i++ {
			select {
			case <-stopTraffic:
				return
			case <-time.After(3 * time.Millisecond):
			}
			sent.produce(ctx, t, prod, topics.Events, fmt.Sprintf("drain-%06d", i))
		}
	}()
	adm := testenv.KafkaAdmin(t)
	waitForCommits(ctx, t, adm, group, topics.Events, 50)
	time.Sleep(1500 * time.Millisecond) // transactions are under way

	if code := proc.Stop(30 * time.Second); code != 0 {
		t.Fatalf("floorwatch process exited with %d, want 0", code)
	}
	exited := time.Now()
	close(stopTraffic)
	<-trafficDone

	// A static member that did not leave stays for the session timeout
	// (6 s): describe the group well within it.
	described, err := adm.DescribeGroups(ctx, group)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(exited)
	if took > 4*time.Second {
		t.Fatalf("described the group %s after the exit: too late to tell a left member from an expired one", took)
	}
	if g := described[group]; len(g.Members) != 0 || g.State != "Empty" {
		t.Errorf("after SIGTERM the group is %s with %d members, want Empty with none", g.State, len(g.Members))
	}

	committed := committedOffsets(ctx, t, adm, group, topics.Events)
	want := sent.below(committed)
	if len(want) == 0 {
		t.Fatal("nothing was committed")
	}
	stable := changelogKeys(ctx, t, topics.State, kgo.ReadCommitted())
	all := changelogKeys(ctx, t, topics.State, kgo.ReadUncommitted())
	for p, keys := range want {
		if got := stable[p]; !slices.Equal(got, keys) {
			t.Errorf("partition %d: the committed changelog holds %d keys, the committed offset (%d) covers %d events",
				p, len(got), committed[p], len(keys))
		}
	}
	if !maps.EqualFunc(stable, all, slices.Equal[[]string]) {
		t.Errorf("records of an aborted transaction are in the changelog: the last transaction did not commit")
	}
	t.Logf("%d events sent, committed offsets %v, group described %s after the exit", sent.count(), committed, took.Round(time.Millisecond))
}

// The sink drains on SIGTERM: what it has read is written to ClickHouse
// and committed, and it leaves the group. Its batches are set never to be
// due on their own (a huge batch_rows, an hour's interval), so only the
// drain can write them.
func TestSinkOnSIGTERMWritesWhatItReadCommitsAndLeavesTheGroup(t *testing.T) {
	if testing.Short() {
		t.Skip("runs floorwatch sink against Kafka and ClickHouse")
	}
	brokers := testenv.KafkaBrokers(t)
	chAddr, _ := testenv.ClickHouse(t)
	topics := testenv.Topics(t, 2)
	conn, db := testenv.ClickHouseDatabase(t, "drain")
	chCfg := config.Default().ClickHouse
	chCfg.Addr, chCfg.Database = chAddr, db
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if err := sinkch.Migrate(ctx, chCfg, sinkch.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	prod := testenv.KafkaClient(t)
	var sent sentEvents
	const n = 300
	for i := range n {
		sent.produce(ctx, t, prod, topics.Events, fmt.Sprintf("sink-drain-%04d", i))
	}
	bin := testenv.BuildFloorwatch(t, "")
	env := append(roleEnv(t, brokers, chAddr), "FLOORWATCH_CLICKHOUSE_DATABASE="+db,
		"FLOORWATCH_SINK_BATCH_ROWS=1000000", "FLOORWATCH_SINK_BATCH_INTERVAL=1h")
	proc := testenv.StartFloorwatch(t, bin, env, "sink", "--config", emptyConfig(t), "--topic-prefix", topics.Prefix)
	metrics := proc.Await(ctx, t, "metrics listening")["addr"].(string)
	testenv.AwaitReady(ctx, t, metrics)
	// Every record is buffered once each partition's lag shows all of it.
	for sum := 0.0; sum < n; {
		sum = 0
		for _, s := range scrape(t, metrics, "floorwatch_sink_lag_records") {
			if s.labels["topic"] == topics.Events {
				sum += s.value
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the sink never fetched the %d records (lag %v)", n, sum)
		case <-time.After(100 * time.Millisecond):
		}
	}
	var before uint64
	if err := conn.QueryRow(ctx, "SELECT count() FROM events").Scan(&before); err != nil || before != 0 {
		t.Fatalf("rows before the drain: %d, %v; want 0 (no batch due)", before, err)
	}

	if code := proc.Stop(30 * time.Second); code != 0 {
		t.Fatalf("floorwatch sink exited with %d, want 0", code)
	}
	adm := testenv.KafkaAdmin(t)
	group := topics.Prefix + sinkch.DefaultGroup
	described, err := adm.DescribeGroups(ctx, group)
	if err != nil {
		t.Fatal(err)
	}
	if g := described[group]; len(g.Members) != 0 {
		t.Errorf("after SIGTERM the group has %d members, want none", len(g.Members))
	}
	var rows uint64
	if err := conn.QueryRow(ctx, "SELECT count() FROM events").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != n {
		t.Errorf("events holds %d rows after the drain, want %d", rows, n)
	}
	ends, err := adm.ListEndOffsets(ctx, topics.Events)
	if err != nil {
		t.Fatal(err)
	}
	committed := committedOffsets(ctx, t, adm, group, topics.Events)
	ends.Each(func(o kadm.ListedOffset) {
		if committed[o.Partition] != o.Offset {
			t.Errorf("partition %d: committed %d, want the end %d", o.Partition, committed[o.Partition], o.Offset)
		}
	})
}

// roleEnv is a role's environment: the test's services, JSON logs, the
// metrics listener on a free port.
func roleEnv(t *testing.T, brokers []string, chAddr string) []string {
	env := []string{"FLOORWATCH_KAFKA_BROKERS=" + strings.Join(brokers, ","), "FLOORWATCH_KAFKA_PARTITIONS=2",
		"FLOORWATCH_METRICS_LISTEN=127.0.0.1:0", "FLOORWATCH_INGEST_LISTEN=127.0.0.1:0",
		"FLOORWATCH_LOG_FORMAT=json", "FLOORWATCH_LOG_LEVEL=info"}
	if chAddr != "" {
		env = append(env, "FLOORWATCH_CLICKHOUSE_ADDR="+chAddr)
	}
	return env
}

// emptyConfig is a configuration file with nothing set: defaults and the
// environment.
func emptyConfig(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(p, []byte("{}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// sentEvents are the events a test produced: each one's partition,
// offset and conversation key.
type sentEvents struct {
	mu   sync.Mutex
	keys map[int32]map[int64]string
}

// produce writes a customer message that opens the conversation of
// customer c, and waits for its acknowledgement.
func (s *sentEvents) produce(ctx context.Context, t *testing.T, cl *kgo.Client, topic, c string) {
	now := time.Now()
	e := schemas.Event{V: schemas.EventVersion, ID: "m-" + c, Kind: schemas.KindCustomerMessage, Tenant: "default",
		Channel: schemas.WhatsApp, AccountID: "1001", CustomerID: c, MessageID: "m-" + c,
		OccurredAt: schemas.At(now), ReceivedAt: schemas.At(now), Text: "hello", ContentType: "text"}
	v, err := schemas.MarshalEvent(&e)
	if err != nil {
		t.Error(err)
		return
	}
	key := e.Key().String()
	r := cl.ProduceSync(ctx, &kgo.Record{Topic: topic, Key: []byte(key), Value: v})
	rec, err := r.First()
	if err != nil {
		if ctx.Err() == nil {
			t.Error(err)
		}
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys == nil {
		s.keys = map[int32]map[int64]string{}
	}
	if s.keys[rec.Partition] == nil {
		s.keys[rec.Partition] = map[int64]string{}
	}
	s.keys[rec.Partition][rec.Offset] = key
}

func (s *sentEvents) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, m := range s.keys {
		n += len(m)
	}
	return n
}

// below returns, per partition, the sorted keys of the events at offsets
// below the committed one.
func (s *sentEvents) below(committed map[int32]int64) map[int32][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[int32][]string{}
	for p, m := range s.keys {
		for off, k := range m {
			if off < committed[p] {
				out[p] = append(out[p], k)
			}
		}
		slices.Sort(out[p])
	}
	return out
}

// committedOffsets reads the group's committed offsets of topic, waiting
// while a transaction's offsets are still pending.
func committedOffsets(ctx context.Context, t *testing.T, adm *kadm.Client, group, topic string) map[int32]int64 {
	t.Helper()
	for {
		resp, err := adm.FetchOffsets(ctx, group)
		if err == nil {
			err = resp.Error()
		}
		if err == nil {
			out := map[int32]int64{}
			resp.Each(func(o kadm.OffsetResponse) {
				if o.Topic == topic {
					out[o.Partition] = o.At
				}
			})
			return out
		}
		select {
		case <-ctx.Done():
			t.Fatalf("committed offsets of %s: %v", group, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// waitForCommits waits until the group committed at least n records of topic.
func waitForCommits(ctx context.Context, t *testing.T, adm *kadm.Client, group, topic string, n int64) {
	t.Helper()
	for {
		var sum int64
		for _, o := range committedOffsets(ctx, t, adm, group, topic) {
			sum += o
		}
		if sum >= n {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("group %s committed %d records of %s, want at least %d", group, sum, topic, n)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// changelogKeys reads the changelog from the start, at the given isolation
// level, and returns each partition's sorted conversation keys (the
// partition records left out).
func changelogKeys(ctx context.Context, t *testing.T, topic string, isolation kgo.IsolationLevel) map[int32][]string {
	t.Helper()
	cl := testenv.KafkaClient(t, kgo.ConsumeTopics(topic), kgo.FetchIsolationLevel(isolation),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	seen := map[int32]map[string]bool{}
	// The end of a read_committed read cannot be told from offsets (the
	// last record is a commit marker that is never returned): read until
	// a second passes with nothing new.
	for quiet := 0; quiet < 2; {
		pctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		fs := cl.PollFetches(pctx)
		cancel()
		n := 0
		fs.EachRecord(func(r *kgo.Record) {
			n++
			if strings.HasPrefix(string(r.Key), "\x00") {
				return
			}
			if seen[r.Partition] == nil {
				seen[r.Partition] = map[string]bool{}
			}
			seen[r.Partition][string(r.Key)] = true
		})
		if n == 0 {
			quiet++
		} else {
			quiet = 0
		}
		if ctx.Err() != nil {
			t.Fatal(ctx.Err())
		}
	}
	out := map[int32][]string{}
	for p, keys := range seen {
		out[p] = slices.Sorted(maps.Keys(keys))
	}
	return out
}
