package main

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/schemas"
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

func TestAPipelinePrefixesEveryTopicAndGroup(t *testing.T) {
	p, err := newPipeline(config.Default(), "t1.", "i")
	if err != nil {
		t.Fatal(err)
	}
	for _, topic := range p.topics.All() {
		contract, ok := p.topics.Contract(topic)
		if !ok || "t1."+contract != topic || !strings.HasPrefix(contract, "floorwatch.") {
			t.Errorf("topic %q has contract name %q (%v)", topic, contract, ok)
		}
	}
	if got := p.group("floorwatch-sink"); got != "t1.floorwatch-sink" {
		t.Errorf("group = %q", got)
	}
	if plain, _ := newPipeline(config.Default(), "", "i"); plain.topics != schemas.NewTopics("") || plain.topics.Events != schemas.TopicEvents {
		t.Errorf("no prefix: topics %+v, want the contract's", plain.topics)
	}
}
