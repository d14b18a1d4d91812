package stream

import (
	"context"
	"testing"
	"time"
)

func within(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
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
	if d := summarize(k.collect()).diff(expected(tr, endOfTraffic)); d != "" {
		t.Fatalf("outputs differ from the one-shot fold:\n%s", d)
	}
}
