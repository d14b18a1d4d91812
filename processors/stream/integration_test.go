package stream

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

func within(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// checkOutputs compares what the run wrote with the one-shot fold of
// the same traffic, and checks that the traffic exercised what it must.
func checkOutputs(t *testing.T, k *kafkaEnv, tr traffic) {
	t.Helper()
	got, want := summarize(k.collect()), expected(tr, endOfTraffic)
	if d := got.diff(want); d != "" {
		t.Fatalf("outputs differ from the one-shot fold:\n%s", d)
	}
	unavailable := 0
	for _, r := range want.rows {
		if strings.Contains(r, "RecoverReason:operator_unavailable") {
			unavailable++
		}
	}
	if unavailable == 0 || len(want.metrics) == 0 {
		t.Fatalf("the traffic exercised too little: %d metric cells, %d conversations of unavailable operators",
			len(want.metrics), unavailable)
	}
	t.Logf("%d metric cells, %d rows (%d waiting on an unavailable operator), %d status intervals agree",
		len(got.metrics), len(got.rows), unavailable, len(got.history))
}

func TestOneInstanceFoldsTrafficExactlyAsReplayWould(t *testing.T) {
	k := newKafkaEnv(t, 4)
	ctx := within(t, 2*time.Minute)
	tr := genTraffic(300, 1)
	k.produce(ctx, tr.events, tr.statuses)
	stop := k.run("solo")
	k.waitDone(ctx)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	checkOutputs(t, k, tr)
}

func TestWithExactlyOnceOffAnUninterruptedRunIsStillExact(t *testing.T) {
	k := newKafkaEnv(t, 4)
	k.atLeastOnce = true
	ctx := within(t, 2*time.Minute)
	tr := genTraffic(300, 5)
	k.produce(ctx, tr.events[:len(tr.events)/2], tr.statuses)
	stop := k.run("plain")
	k.produce(ctx, tr.events[len(tr.events)/2:], nil)
	k.waitDone(ctx)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	// Restarted, the instance restores the changelog it left and reads nothing new.
	stop = k.run("plain")
	time.Sleep(time.Second)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	checkOutputs(t, k, tr)
}

func TestThreeInstancesGiveTheOutputOfOne(t *testing.T) {
	k := newKafkaEnv(t, 6)
	ctx := within(t, 3*time.Minute)
	tr := genTraffic(600, 2)
	half := len(tr.events) / 2
	// Instances join while traffic flows, so partitions move between them.
	k.produce(ctx, tr.events[:half/2], nil)
	stops := []func() error{k.run("a")}
	k.produce(ctx, tr.events[half/2:half], tr.statuses)
	stops = append(stops, k.run("b"), k.run("c"))
	k.produce(ctx, tr.events[half:], nil)
	k.waitDone(ctx)
	var wg sync.WaitGroup
	for _, stop := range stops {
		wg.Go(func() {
			if err := stop(); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	checkOutputs(t, k, tr)
}

func TestARestartedInstanceRestoresItsState(t *testing.T) {
	k := newKafkaEnv(t, 4)
	ctx := within(t, 3*time.Minute)
	tr := genTraffic(300, 3)
	half := len(tr.events) / 2
	k.produce(ctx, tr.events[:half], nil)
	stop := k.run("first")
	k.waitDone(ctx)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	// The second half (and every operator status, late) goes to a new
	// instance that only has the changelog to go on.
	k.produce(ctx, tr.events[half:], tr.statuses)
	stop = k.run("second")
	k.waitDone(ctx)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	checkOutputs(t, k, tr)
}
