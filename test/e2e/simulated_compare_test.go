package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
	"github.com/floorwatch/floorwatch/test/oracle"
)

// period is one [from, to) of the comparisons.
type period struct {
	name     string
	from, to time.Time
}

// replayRuns runs `floorwatch replay` for every period and grouping, two
// at a time, while the pipeline still works.
type replayRuns struct {
	mu   sync.Mutex
	cond *sync.Cond
	out  map[string][]byte
}

func replayKey(p period, by string) string { return p.name + "|" + by }

func startReplays(ctx context.Context, t *testing.T, bin string, env []string, requests string, periods []period, groupings []string) *replayRuns {
	r := &replayRuns{out: map[string][]byte{}}
	r.cond = sync.NewCond(&r.mu)
	jobs := make(chan string)
	argsOf := map[string][]string{}
	for _, p := range periods {
		for _, by := range groupings {
			args := append([]string{"replay", "--requests", requests}, reportArgs(p, by)...)
			argsOf[replayKey(p, by)] = args
		}
	}
	for range 2 {
		go func() {
			for j := range jobs {
				out, err := runOutput(ctx, bin, env, argsOf[j]...)
				if err != nil {
					out = []byte("error: " + err.Error())
				}
				r.mu.Lock()
				r.out[j] = out
				r.cond.Broadcast()
				r.mu.Unlock()
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, p := range periods {
			for _, by := range groupings {
				select {
				case jobs <- replayKey(p, by):
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return r
}

// wait returns replay's output for p and by once it is there.
func (r *replayRuns) wait(t *testing.T, p period, by string) []byte {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for r.out[replayKey(p, by)] == nil {
		r.cond.Wait()
	}
	out := r.out[replayKey(p, by)]
	if bytes.HasPrefix(out, []byte("error: ")) {
		t.Fatalf("replay %s by %q: %s", p.name, by, out)
	}
	return out
}

func reportArgs(p period, by string) []string {
	args := []string{"--config", rootConfig, "--from", schemas.At(p.from).String(), "--to", schemas.At(p.to).String()}
	if by != "" {
		args = append(args, "--by", by)
	}
	return args
}

// comparison checks, for one period and grouping, that replay equals the
// oracle (field by field) and that report equals replay (byte for byte),
// whatever the period: the tables say the segment, the status and a
// pending first response as of any past --to (docs/queries.md).
type comparison struct {
	ctx    context.Context
	t      *testing.T
	bin    string
	env    []string
	oracle *oracle.Oracle

	compared int
}

func (c *comparison) check(p period, by string, replayed []byte) {
	t := c.t
	t.Helper()
	what := fmt.Sprintf("%s [%s, %s) by %q", p.name, schemas.At(p.from), schemas.At(p.to), by)
	var dims []string
	if by != "" {
		dims = strings.Split(by, ",")
	}
	spec, err := c.oracle.Report(oracle.Query{From: p.from, To: p.to, By: dims})
	if err != nil {
		t.Fatal(err)
	}
	var rep schemas.Report
	if err := json.Unmarshal(replayed, &rep); err != nil {
		t.Fatal(err)
	}
	if d := oracle.Diff(spec, rep); len(d) > 0 {
		t.Errorf("%s: replay differs from the oracle (oracle ≠ replay):\n%s", what, lines(d))
	}
	// Report is retried for a while: the sink copies each topic on its
	// own, so a watermark may land a moment before the rows it covers.
	var got []byte
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		got = runTool(c.ctx, t, c.bin, c.env, append([]string{"report"}, reportArgs(p, by)...)...)
		if bytes.Equal(got, replayed) || time.Now().After(deadline) {
			break
		}
	}
	c.compared++
	if !bytes.Equal(got, replayed) {
		var fields []string
		var r schemas.Report
		if err := json.Unmarshal(got, &r); err == nil {
			fields = oracle.Diff(rep, r)
		}
		t.Errorf("%s: report (ClickHouse) differs from replay:\n%s\n%s%s", what, lines(fields),
			lineDiff(string(replayed), string(got)), c.edge(p))
		return
	}
	t.Logf("%s: report = replay = oracle (%d segments)", what, len(rep.Segments))
	checkSpec5Fields(t, got, p.to)
}

// edge describes, when some, the conversations whose status changes on a
// timer due exactly at --to (a business-hours edge, a threshold, a window,
// an idle close): their status at --to is the one after the timer
// (docs/indicators.md §3), which TestStatusAtABusinessHoursEdge checks
// with one conversation.
func (c *comparison) edge(p period) string {
	at, err := c.oracle.Conversations(p.to)
	if err != nil {
		return err.Error()
	}
	before, err := c.oracle.Conversations(p.to.Add(-time.Millisecond))
	if err != nil {
		return err.Error()
	}
	was := map[string]string{}
	for _, cv := range before {
		was[cv.ID] = cv.Status + " " + cv.Reason
	}
	var changed []string
	for _, cv := range at {
		if w, ok := was[cv.ID]; ok && w != cv.Status+" "+cv.Reason && cv.LastEventAt < p.to.Add(-time.Millisecond).UnixMilli() {
			changed = append(changed, fmt.Sprintf("%s %s: %s → %s %s", cv.ID, cv.Key, w, cv.Status, cv.Reason))
		}
	}
	if len(changed) == 0 {
		return ""
	}
	return fmt.Sprintf("\n  %d conversations change status on a timer due exactly at --to (the oracle, just before --to → at --to):\n%s",
		len(changed), lines(changed))
}

func lines(d []string) string {
	const most = 40
	if len(d) > most {
		d = append(d[:most:most], fmt.Sprintf("... and %d more", len(d)-most))
	}
	return "  " + strings.Join(d, "\n  ")
}

// phases times the steps of a test.
type phases struct {
	last  time.Time
	steps []string
}

func (p *phases) mark(step string) {
	now := time.Now()
	p.steps = append(p.steps, fmt.Sprintf("  %-80s %s", step, now.Sub(p.last).Round(100*time.Millisecond)))
	p.last = now
}

func (p *phases) String() string { return strings.Join(p.steps, "\n") }

// runOutput runs floorwatch and returns its standard output, or an error
// with its standard error.
func runOutput(ctx context.Context, bin string, env []string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("floorwatch %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out, nil
}
