package connect

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

func fakeAdmin(t *testing.T) *kadm.Client {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return kadm.NewClient(cl)
}

// The broker's metadata lags a moment behind a topic just created (the
// end-to-end test met it on a real broker): describing waits for it.
func TestPartitionCountWaitsForATopicThatIsNotKnownYet(t *testing.T) {
	adm := fakeAdmin(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go func() {
		time.Sleep(100 * time.Millisecond)
		_, _ = adm.CreateTopics(ctx, 3, 1, nil, "late")
	}()
	n, err := partitionCount(ctx, adm, "late")
	if err != nil || n != 3 {
		t.Fatalf("partitionCount = %d, %v; want 3, nil", n, err)
	}
}

func TestPartitionCountGivesUpWhenTheContextEnds(t *testing.T) {
	adm := fakeAdmin(t)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if n, err := partitionCount(ctx, adm, "never"); err == nil {
		t.Fatalf("partitionCount = %d, nil; want an error", n)
	}
}
