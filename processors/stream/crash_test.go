package stream

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
	"github.com/twmb/franz-go/pkg/kadm"
)

// childSpec is what a runner child process needs, passed in FW_CHILD.
type childSpec struct {
	Brokers  []string
	Group    string
	Instance string
	Topics   schemas.Topics
	Start    time.Time
	Session  time.Duration
}

// TestMain runs the runner alone, with no test, when the crash test starts
// this binary as the child process that it kills with SIGKILL.
func TestMain(m *testing.M) {
	if spec := os.Getenv("FW_CHILD"); spec != "" {
		os.Exit(runChild(spec))
	}
	os.Exit(m.Run())
}

func runChild(spec string) int {
	var s childSpec
	if err := json.Unmarshal([]byte(spec), &s); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 2
	}
	k := &kafkaEnv{brokers: s.Brokers, topics: s.Topics, group: s.Group, start: s.Start, session: s.Session}
	r, err := New(k.options(s.Instance))
	if err == nil {
		err = r.Run(context.Background())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	return 0
}

func (k *kafkaEnv) spawn(instance string) *exec.Cmd {
	spec, _ := json.Marshal(childSpec{Brokers: k.brokers, Group: k.group, Instance: instance, Topics: k.topics, Start: k.start,
		Session: k.session})
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "FW_CHILD="+string(spec))
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		k.t.Fatal(err)
	}
	k.t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd
}

// committed sums the group's committed offsets.
func (k *kafkaEnv) committed(ctx context.Context, adm *kadm.Client) int64 {
	offs, err := adm.FetchOffsets(ctx, k.group)
	if err != nil {
		return -1
	}
	var n int64
	offs.Each(func(o kadm.OffsetResponse) { n += o.At })
	return n
}

func TestAKilledInstanceLosesAndDuplicatesNothing(t *testing.T) {
	if os.Getenv("FW_CHILD") != "" {
		t.Skip("child process")
	}
	k := newKafkaEnv(t, 4)
	ctx := within(t, 4*time.Minute)
	adm := kadm.NewClient(k.client())
	tr := genTraffic(3000, 4)
	third := len(tr.events) / 3
	k.produce(ctx, tr.events[:third], tr.statuses)
	child := k.spawn("crashy")
	for k.committed(ctx, adm) <= 0 {
		time.Sleep(20 * time.Millisecond)
	}
	k.produce(ctx, tr.events[third:2*third], nil)
	time.Sleep(150 * time.Millisecond)
	atKill := k.committed(ctx, adm)
	child.Process.Kill() // SIGKILL: the open transaction is left as it is
	killed := time.Now()
	child.Wait()
	k.produce(ctx, tr.events[2*third:], nil)

	child = k.spawn("crashy")
	for k.committed(ctx, adm) <= atKill {
		if ctx.Err() != nil {
			t.Fatal("the restarted instance never committed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	resumed := time.Since(killed)
	t.Logf("killed with %d of %d events committed; the restarted instance committed again %v after the kill",
		atKill, len(tr.events), resumed.Round(time.Millisecond))
	if resumed > 5*time.Second {
		t.Errorf("resuming took %v, want at most 5s", resumed)
	}
	k.waitDone(ctx)
	child.Process.Kill()
	child.Wait()
	checkOutputs(t, k, tr)
}
