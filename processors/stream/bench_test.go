package stream

import (
	"context"
	"errors"
	"fmt"
	"runtime"
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
			p.fireDue(c, out)
			p.flush(c, out, endOfTraffic)
			c.box.drain(c, out)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkDeliveryModes runs one runner with exactly-once on, then one
// with it off, over the same events in one real Kafka topic (4
// partitions), each in its own group with its own outputs and changelog,
// and reports events/s until every event is committed (start-up,
// transactions or acknowledgements, changelog and outputs included), per
// core (GOMAXPROCS; the broker shares the machine), and the ratio.
func BenchmarkDeliveryModes(b *testing.B) {
	src := newKafkaEnv(b, 4)
	tr := genTraffic(10000, 10)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	src.produce(ctx, tr.events, tr.statuses)
	procs, n := float64(runtime.GOMAXPROCS(0)), float64(len(tr.events))
	var on, off time.Duration
	for i := 0; b.Loop(); i++ {
		// Alternate which mode goes first: the broker warms up.
		if i%2 == 0 {
			on += timeRun(ctx, b, src, false)
			off += timeRun(ctx, b, src, true)
		} else {
			off += timeRun(ctx, b, src, true)
			on += timeRun(ctx, b, src, false)
		}
	}
	runs := float64(b.N)
	b.ReportMetric(n*runs/on.Seconds(), "eos-events/s")
	b.ReportMetric(n*runs/on.Seconds()/procs, "eos-events/s/core")
	b.ReportMetric(n*runs/off.Seconds(), "alo-events/s")
	b.ReportMetric(n*runs/off.Seconds()/procs, "alo-events/s/core")
	b.ReportMetric(on.Seconds()/off.Seconds(), "alo/eos")
	b.ReportMetric(procs, "procs")
}

// timeRun starts a runner over src's events, with its own group, outputs
// and changelog, and times it until the group committed every event.
func timeRun(ctx context.Context, b *testing.B, src *kafkaEnv, atLeastOnce bool) time.Duration {
	b.Helper()
	k := newKafkaEnv(b, 4)
	k.topics.Events, k.topics.OperatorStatus, k.atLeastOnce = src.topics.Events, src.topics.OperatorStatus, atLeastOnce
	adm := kadm.NewClient(k.client())
	start := time.Now()
	stop := k.run("bench")
	for !k.caughtUp(ctx, adm) && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
	}
	took := time.Since(start)
	if err := stop(); err != nil || ctx.Err() != nil {
		b.Fatalf("the runner did not catch up: %v", errors.Join(err, ctx.Err()))
	}
	b.Logf("at least once: %v, caught up in %v", atLeastOnce, took.Round(time.Millisecond))
	return took
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
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "B/conv")
		runtime.KeepAlive(p)
	}
}
