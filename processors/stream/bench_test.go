package stream

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

type discard struct{ n int }

func (d *discard) emit(_ string, _ int32, _, v []byte) { d.n += len(v) }

// BenchmarkFoldInProcess is the processing cost of one event with no
// Kafka at all: fold, diff, encode outputs, and the changelog write of
// every transaction (one per 1000 events). It bounds what any delivery
// mode can reach on one core.
func BenchmarkFoldInProcess(b *testing.B) {
	tr := genTraffic(20000, 9)
	c, out := testCore(), &discard{}
	p := newPartition(0)
	n := 0
	for b.Loop() {
		if n%len(tr.events) == 0 {
			p = newPartition(0)
		}
		e := &tr.events[n%len(tr.events)]
		p.applyEvent(c, out, e, []byte(e.Key().String()), day)
		if n%1000 == 999 {
			p.settlePending(c, out)
			p.fireDue(c, out)
			p.flush(c, out, endOfTraffic)
			c.box.drain(c, out)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkDeliveryModes runs, over the same simulated traffic in one real
// Kafka topic (4 partitions): the runner with exactly-once on, the runner
// with it off, and a bare transactional consume-produce loop that does no
// work (the ceiling exactly-once can reach on this machine), each in its own
// group with its own outputs. Each is timed until its group committed
// every event; "per core" divides by the CPU time this process spent
// meanwhile (getrusage), so the broker's share of the same cores does not
// count. Modes alternate first place across iterations: the broker warms up.
func BenchmarkDeliveryModes(b *testing.B) {
	src := newKafkaEnv(b, 4)
	ev, st, pol := simulatedTraffic(b, 60000)
	src.policies = pol
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	src.produce(ctx, ev, st)
	n := float64(len(ev))
	var on, off, bare run
	for i := 0; b.Loop(); i++ {
		modes := []func(){
			func() { on.add(timeRun(ctx, b, src, false)) },
			func() { off.add(timeRun(ctx, b, src, true)) },
			func() { bare.add(timeBare(ctx, b, src)) },
		}
		for j := range modes {
			modes[(i+j)%len(modes)]()
		}
	}
	runs := float64(b.N)
	b.ReportMetric(n*runs/on.wall.Seconds(), "eos-events/s")
	b.ReportMetric(n*runs/on.cpu.Seconds(), "eos-events/s/core")
	b.ReportMetric(n*runs/off.wall.Seconds(), "alo-events/s")
	b.ReportMetric(n*runs/off.cpu.Seconds(), "alo-events/s/core")
	b.ReportMetric(on.cpu.Seconds()/off.cpu.Seconds(), "alo/eos")
	b.ReportMetric(n*runs/bare.cpu.Seconds(), "bare-events/s/core")
	b.ReportMetric(bare.cpu.Seconds()/on.cpu.Seconds(), "eos/bare")
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "procs")
}

// run sums wall and process CPU time over runs of one mode.
type run struct{ wall, cpu time.Duration }

func (r *run) add(o run) { r.wall += o.wall; r.cpu += o.cpu }

// processCPU is the user and system CPU time this process has used.
func processCPU(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// timeRun starts a runner over src's events, with its own group, outputs
// and changelog, and times it until the group committed every event.
func timeRun(ctx context.Context, b *testing.B, src *kafkaEnv, atLeastOnce bool) run {
	b.Helper()
	k := newKafkaEnv(b, 4)
	k.topics.Events, k.topics.OperatorStatus, k.atLeastOnce = src.topics.Events, src.topics.OperatorStatus, atLeastOnce
	k.policies = src.policies
	adm := kadm.NewClient(k.client())
	start, cpu := time.Now(), processCPU(b)
	stop := k.run("bench")
	for !k.caughtUp(ctx, adm) && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
	}
	r := run{time.Since(start), processCPU(b) - cpu}
	if err := stop(); err != nil || ctx.Err() != nil {
		b.Fatalf("the runner did not catch up: %v", errors.Join(err, ctx.Err()))
	}
	b.Logf("at least once: %v, caught up in %v, %v of CPU", atLeastOnce, r.wall.Round(time.Millisecond), r.cpu.Round(time.Millisecond))
	return r
}

// timeBare runs a transactional consume-produce loop that does no work
// (each record copied to an output topic, one transaction per flush
// interval, as the runner's) over src's events until its group committed
// every event.
func timeBare(ctx context.Context, b *testing.B, src *kafkaEnv) run {
	b.Helper()
	k := newKafkaEnv(b, 4)
	k.topics.Events = src.topics.Events // caughtUp reads the group's progress on it
	out := k.topics.Conversations
	s, err := kgo.NewGroupTransactSession(kgo.SeedBrokers(src.brokers...), kgo.ConsumerGroup(k.group),
		kgo.ConsumeTopics(src.topics.Events), kgo.TransactionalID(k.group+"-bare"),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchMaxWait(fetchMaxWait), kgo.ProducerBatchMaxBytes(4<<20), kgo.MaxBufferedRecords(1<<20))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	adm := kadm.NewClient(k.client())
	start, cpu := time.Now(), processCPU(b)
	for !k.caughtUp(ctx, adm) && ctx.Err() == nil {
		if err := s.Begin(); err != nil {
			b.Fatal(err)
		}
		deadline := time.Now().Add(k.options("bare").FlushInterval)
		for time.Now().Before(deadline) {
			pctx, cancel := context.WithDeadline(ctx, deadline)
			fs := s.PollRecords(pctx, 10000)
			cancel()
			fs.EachRecord(func(r *kgo.Record) {
				s.Produce(ctx, &kgo.Record{Topic: out, Key: r.Key, Value: r.Value}, nil)
			})
		}
		if _, err := s.End(ctx, kgo.TryCommit); err != nil {
			b.Fatal(err)
		}
	}
	r := run{time.Since(start), processCPU(b) - cpu}
	b.Logf("bare transactional loop: caught up in %v, %v of CPU", r.wall.Round(time.Millisecond), r.cpu.Round(time.Millisecond))
	return r
}

// BenchmarkRestoreOpenConversations writes the changelog of 1M open
// conversations (3 events each) to one partition of a real topic and
// times restoring it; -benchtime=1x is enough.
func BenchmarkRestoreOpenConversations(b *testing.B) {
	const n = 1_000_000
	k := newKafkaEnv(b, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	c := testCore()
	tn, _ := c.tenant("acme")
	p := newPartition(0)
	cl := k.client(kgo.ProducerLinger(20*time.Millisecond), kgo.MaxBufferedRecords(100000))
	var bytes int64
	for i := range n {
		events := waitingConversation(fmt.Sprintf("%09d", i))
		for j := range events {
			p.applyEvent(c, &discard{}, &events[j], []byte(events[j].Key().String()), day)
		}
		p.settlePending(c, &discard{})
		key := events[0].Key()
		v := encodeEntry(tn, p.keys[key])
		bytes += int64(len(v))
		cl.Produce(ctx, &kgo.Record{Topic: k.topics.State, Key: []byte(key.String()), Value: v}, func(_ *kgo.Record, err error) {
			if err != nil {
				b.Error(err)
			}
		})
		delete(p.keys, key) // keep the writer's memory flat
	}
	if err := cl.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	r, err := New(k.options("restore"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		start := time.Now()
		parts, err := r.restore(ctx, []int32{0})
		if err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		if got := parts[0].openConversations(); got != n {
			b.Fatalf("restored %d open conversations, want %d", got, n)
		}
		b.ReportMetric(took.Seconds(), "s/restore")
		b.ReportMetric(float64(n)/took.Seconds(), "convs/s")
		b.ReportMetric(float64(bytes)/n, "changelog-B/conv")
	}
}

// BenchmarkMemoryPerOpenConversation measures the heap one open
// conversation (3 events: message, routing, assignment) costs a
// partition: state, emitted fingerprints, timer, indexes.
func BenchmarkMemoryPerOpenConversation(b *testing.B) {
	const n = 200_000
	for b.Loop() {
		c, p := testCore(), newPartition(0)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for i := range n {
			events := waitingConversation(fmt.Sprintf("%09d", i))
			for j := range events {
				p.applyEvent(c, &discard{}, &events[j], []byte(events[j].Key().String()), day)
			}
			if i%1000 == 999 {
				p.settlePending(c, &discard{}) // a transaction's worth
			}
		}
		p.settlePending(c, &discard{})
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "B/conv")
		runtime.KeepAlive(p)
	}
}
