package stream

import (
	"context"
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
		p.applyEvent(c, out, e, []byte(e.Key().String()))
		if n%1000 == 999 {
			p.fireDue(c, out)
			p.flush(c, out, endOfTraffic)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkExactlyOnceEndToEnd runs one runner over events already in a
// real Kafka topic (4 partitions) and reports events/s until every event
// is committed, transactions, changelog and outputs included. GOMAXPROCS
// bounds the cores (the broker shares the machine).
func BenchmarkExactlyOnceEndToEnd(b *testing.B) {
	for range b.N {
		b.StopTimer()
		k := newKafkaEnv(b, 4)
		tr := genTraffic(10000, 10)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		k.produce(ctx, tr.events, tr.statuses)
		adm := kadm.NewClient(k.client())
		b.StartTimer()
		start := time.Now()
		stop := k.run("bench")
		for !k.caughtUp(ctx, adm) && ctx.Err() == nil {
			time.Sleep(20 * time.Millisecond)
		}
		took := time.Since(start)
		b.StopTimer()
		if ctx.Err() != nil {
			b.Fatal("the runner did not catch up")
		}
		stop()
		cancel()
		b.ReportMetric(float64(len(tr.events))/took.Seconds(), "events/s")
		b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "procs")
	}
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
			p.applyEvent(c, &discard{}, &events[j], []byte(events[j].Key().String()))
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
				p.applyEvent(c, &discard{}, &events[j], []byte(events[j].Key().String()))
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "B/conv")
		runtime.KeepAlive(p)
	}
}
