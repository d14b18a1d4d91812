package stream

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
)

// assignedTo returns the events partitions the group gives instance.
func (k *kafkaEnv) assignedTo(ctx context.Context, adm *kadm.Client, instance string) []int32 {
	groups, err := adm.DescribeGroups(ctx, k.group)
	if err != nil {
		return nil
	}
	g := groups[k.group]
	for _, m := range g.Members {
		if m.InstanceID == nil || *m.InstanceID != instance {
			continue
		}
		if a, ok := m.Assigned.AsConsumer(); ok {
			for _, t := range a.Topics {
				if t.Topic == k.topics.Events {
					return t.Partitions
				}
			}
		}
	}
	return nil
}

// committedAt returns the group's committed offset of each events partition.
func (k *kafkaEnv) committedAt(ctx context.Context, adm *kadm.Client) map[int32]int64 {
	offs, err := adm.FetchOffsets(ctx, k.group)
	out := map[int32]int64{}
	if err != nil {
		return out
	}
	offs.Each(func(o kadm.OffsetResponse) {
		if o.Topic == k.topics.Events {
			out[o.Partition] = o.At
		}
	})
	return out
}

// The takeover waits for the dead member's session to expire: with the
// default session timeout (6 s, the least a broker allows by default) and
// with 2 s, which the local broker allows (group.min.session.timeout.ms
// 1 s). A 2 s takeover must beat what a 6 s session could ever give.
func TestASurvivorTakesOverAKilledInstancesPartitions(t *testing.T) {
	if os.Getenv("FW_CHILD") != "" {
		t.Skip("child process")
	}
	for _, c := range []struct {
		name    string
		session time.Duration
		limit   time.Duration
	}{
		// Session, the survivor's rejoin, the fencing of the victim's
		// open transaction, the restore and one transaction: about 7 s
		// measured; see docs/processors.md.
		{"default session timeout", 0, 12 * time.Second},
		{"2 s session timeout", 2 * time.Second, 6 * time.Second},
	} {
		t.Run(c.name, func(t *testing.T) { testTakeover(t, c.session, c.limit) })
	}
}

func testTakeover(t *testing.T, session, limit time.Duration) {
	k := newKafkaEnv(t, 4)
	k.session = session
	ctx := within(t, 2*time.Minute)
	adm := kadm.NewClient(k.client())
	tr := genTraffic(1500, 6)
	half := len(tr.events) / 2
	k.produce(ctx, tr.events[:half], tr.statuses)
	victim := k.spawn("victim")
	k.spawn("survivor")
	var lost []int32
	for len(lost) == 0 || len(k.assignedTo(ctx, adm, "survivor")) == 0 || !k.caughtUp(ctx, adm) {
		if ctx.Err() != nil {
			t.Fatal("the two instances never shared the partitions and caught up")
		}
		time.Sleep(50 * time.Millisecond)
		lost = k.assignedTo(ctx, adm, "victim")
	}
	// The victim dies in the middle of a transaction over new events.
	k.produce(ctx, tr.events[half:half+half/2], nil)
	time.Sleep(100 * time.Millisecond)
	victim.Process.Kill()
	killed := time.Now()
	victim.Wait()
	before := k.committedAt(ctx, adm)
	k.produce(ctx, tr.events[half+half/2:], nil)

	// Output has resumed once every partition the victim held committed
	// again: the survivor restored it and processed its new events.
	for {
		now := k.committedAt(ctx, adm)
		resumed := 0
		for _, p := range lost {
			if now[p] > before[p] {
				resumed++
			}
		}
		if resumed == len(lost) {
			break
		}
		if ctx.Err() != nil {
			t.Fatal("the survivor never took over")
		}
		time.Sleep(10 * time.Millisecond)
	}
	took := time.Since(killed)
	t.Logf("partitions %v of the killed instance committed again by the survivor %v after the kill",
		lost, took.Round(time.Millisecond))
	if took > limit {
		t.Errorf("takeover took %v, want at most %v", took, limit)
	}
	k.waitDone(ctx)
	// The survivor aborted the victim's open transaction when it took
	// over, so the outputs' last stable offset moves on at once.
	k.waitStable(ctx, adm, k.topics.Metrics, k.topics.Conversations, k.topics.StatusChanges)
	t.Logf("outputs readable %v after the kill", time.Since(killed).Round(time.Millisecond))
	checkOutputs(t, k, tr)
}

// waitStable waits until no transaction is open on topics.
func (k *kafkaEnv) waitStable(ctx context.Context, adm *kadm.Client, topics ...string) {
	for {
		lso, err1 := adm.ListCommittedOffsets(ctx, topics...)
		hwm, err2 := adm.ListEndOffsets(ctx, topics...)
		stable := err1 == nil && err2 == nil
		hwm.Each(func(o kadm.ListedOffset) {
			l, ok := lso.Lookup(o.Topic, o.Partition)
			stable = stable && ok && l.Offset >= o.Offset
		})
		if stable {
			return
		}
		if ctx.Err() != nil {
			k.t.Fatal("an output transaction stayed open")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestASessionTimeoutTheBrokerRefusesStopsTheRunnerWithTheReason(t *testing.T) {
	k := newKafkaEnv(t, 1)
	k.session = 500 * time.Millisecond // the local broker allows 1 s at least
	r, err := New(k.options("refused"))
	if err != nil {
		t.Fatal(err)
	}
	err = r.Run(within(t, time.Minute))
	if err == nil || !errors.Is(err, kerr.InvalidSessionTimeout) || !strings.Contains(err.Error(), "session timeout 500ms") {
		t.Fatalf("Run = %v, want the broker's refusal of the 500ms session timeout", err)
	}
}
