package main

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"
)

// recorder is a set of fake roles that note when they stop.
type recorder struct {
	mu      sync.Mutex
	stopped []string
}

func (r *recorder) role(name string, fail error) role {
	return role{name, func(ctx context.Context) error {
		if fail != nil {
			return fail
		}
		<-ctx.Done()
		time.Sleep(10 * time.Millisecond) // a role takes a moment to finish
		r.mu.Lock()
		r.stopped = append(r.stopped, name)
		r.mu.Unlock()
		return nil
	}}
}

func TestRunRolesStopsIngestThenProcessThenSinkOnSignal(t *testing.T) {
	var r recorder
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	err := runRoles(ctx, []role{r.role("ingest", nil), r.role("process", nil), r.role("sink", nil)})
	if err != nil {
		t.Fatalf("runRoles = %v, want nil", err)
	}
	if want := []string{"ingest", "process", "sink"}; !slices.Equal(r.stopped, want) {
		t.Fatalf("stopped in order %v, want %v", r.stopped, want)
	}
}

func TestRunRolesStopsTheOthersAndReturnsTheErrorWhenOneFails(t *testing.T) {
	var r recorder
	boom := errors.New("broker gone")
	err := runRoles(context.Background(), []role{r.role("ingest", nil), r.role("process", boom), r.role("sink", nil)})
	if !errors.Is(err, boom) || err.Error() != "process: broker gone" {
		t.Fatalf("runRoles = %v, want process: broker gone", err)
	}
	if want := []string{"ingest", "sink"}; !slices.Equal(r.stopped, want) {
		t.Fatalf("stopped in order %v, want %v", r.stopped, want)
	}
}

func TestPipelineNamesPrefixEveryTopicAndGroup(t *testing.T) {
	n := pipelineNames{prefix: "t1."}
	if got := n.ingestTopics().Events; got != "t1.floorwatch.events" {
		t.Errorf("ingest events topic = %q", got)
	}
	if got := n.streamTopics().State; got != "t1.floorwatch.state" {
		t.Errorf("state topic = %q", got)
	}
	topics, alias := n.sinkTopics()
	for _, tp := range topics {
		if alias[tp] == "" || "t1."+alias[tp] != tp {
			t.Errorf("sink topic %q aliased to %q", tp, alias[tp])
		}
	}
	if got := n.group("floorwatch-sink"); got != "t1.floorwatch-sink" {
		t.Errorf("group = %q", got)
	}
	if _, alias := (pipelineNames{}).sinkTopics(); alias != nil {
		t.Errorf("no prefix: alias %v, want none", alias)
	}
}
