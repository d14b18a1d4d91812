package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/internal/testenv"
	"github.com/floorwatch/floorwatch/schemas"
)

const rootConfig = "../../config.yaml"

// The whole pipeline, as `floorwatch all` runs it, against the real Kafka
// and ClickHouse: the recorded requests, signed with config.yaml's
// development secrets, go to ingest over HTTP; once every partition's
// watermark has passed --to, `floorwatch report` (ClickHouse) must print
// exactly what `floorwatch replay` prints over the same requests.
func TestPipelineReportEqualsReplay(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: needs Kafka and ClickHouse")
	}
	chAddr, _ := testenv.ClickHouse(t)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Second)
	defer cancel()

	tmp := t.TempDir()
	bin := testenv.BuildFloorwatch(t, "")
	signedFile := signRequests(t, tmp)
	prefix, env := pipelineEnv(t, "e2e")

	all := startAll(ctx, t, bin, env, prefix+".")
	ingestAddr := all.await(ctx, t, "ingest listening")
	start := time.Now()
	reqs := readFile(t, signedFile)
	statuses, err := Post(ctx, http.DefaultClient, "http://"+ingestAddr, reqs)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("posted %d requests: %v", len(reqs), statuses)
	// --to is after the traffic: every recorded event occurred before now.
	to := time.Now().UTC().Truncate(time.Millisecond).Add(time.Millisecond)
	from := time.Date(2026, 11, 18, 0, 0, 0, 0, time.UTC)

	waitWatermarks(ctx, t, chAddr, strings.ReplaceAll(prefix, "-", "_"), prefix+"."+schemas.TopicEvents, 4, to)
	t.Logf("watermarks passed --to %s after %s", to.Format(time.RFC3339Nano), time.Since(start).Round(time.Millisecond))
	groupings := []string{"", "team", "channel,team,operator", "tenant,interaction_type"}
	// Four --to inside the traffic: conversations were transferred,
	// answered or written to after them, and the tables must say where
	// each was and what it waited for then (docs/queries.md).
	for _, at := range []string{"09:03:30", "09:07:30", "10:03:00", "12:05:00"} {
		for _, by := range groupings {
			compare(ctx, t, bin, env, signedFile, from, mustTime(t, "2026-11-18T"+at+"Z"), by)
		}
	}
	// Two --to after the last recorded event: the next day (open
	// conversations, queues and timers still running) and now (the idle
	// closes of 168 h have fired).
	for _, to := range []time.Time{time.Date(2026, 11, 19, 0, 0, 0, 0, time.UTC), to} {
		for _, by := range groupings {
			if got := compare(ctx, t, bin, env, signedFile, from, to, by); got != nil {
				checkSpec5Fields(t, got, to)
			}
		}
	}
	// The same day recorded without credentials, as a platform's export
	// would hold it: replay --no-verify finds each event's tenant (key,
	// account, only tenant) and so applies acme's business hours and
	// thresholds exactly as the signed pipeline did.
	for _, by := range []string{"tenant", "tenant,team,operator"} {
		args := []string{"--config", rootConfig, "--from", schemas.At(from).String(), "--to", "2026-11-19T00:00:00Z", "--by", by}
		signed := runTool(ctx, t, bin, env, append([]string{"replay", "--requests", signedFile}, args...)...)
		unsigned := runTool(ctx, t, bin, env, append([]string{"replay", "--no-verify", "--requests", "testdata/requests.jsonl"}, args...)...)
		if !bytes.Equal(signed, unsigned) {
			t.Errorf("--by %s: replay --no-verify of the unsigned day differs from the signed one:\n%s", by, lineDiff(string(signed), string(unsigned)))
		}
	}
	all.stop(t)
	t.Logf("end to end in %s", time.Since(start).Round(time.Millisecond))
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// compare fails the test, with a diff, unless `floorwatch report` prints
// what `floorwatch replay` prints, retrying the report for a while: the
// sink copies its topics independently, so the watermarks may be in
// ClickHouse a moment before the rows they cover.
func compare(ctx context.Context, t *testing.T, bin string, env []string, requests string, from, to time.Time, by string) []byte {
	t.Helper()
	args := []string{"--config", rootConfig, "--from", schemas.At(from).String(), "--to", schemas.At(to).String()}
	if by != "" {
		args = append(args, "--by", by)
	}
	want := runTool(ctx, t, bin, env, append([]string{"replay", "--requests", requests}, args...)...)
	var got []byte
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		got = runTool(ctx, t, bin, env, append([]string{"report"}, args...)...)
		if bytes.Equal(got, want) || time.Now().After(deadline) {
			break
		}
	}
	if !bytes.Equal(got, want) {
		t.Errorf("--to %s --by %q: report (ClickHouse) differs from replay:\n%s", schemas.At(to), by, lineDiff(string(want), string(got)))
		return nil
	}
	t.Logf("--to %s --by %q: report equals replay (%d bytes)", schemas.At(to), by, len(got))
	return got
}

// checkSpec5Fields fails the test unless the report carries what SPEC 5
// adds, so that the comparison above covers it: complete_until (every
// partition's watermark passed --to, so it is --to) and, in every duration
// object, business_avg_ms and business_p50/p90/p99_ms; and unless some
// duration was counted at all.
func checkSpec5Fields(t *testing.T, report []byte, to time.Time) {
	t.Helper()
	var r schemas.Report
	if err := json.Unmarshal(report, &r); err != nil {
		t.Fatal(err)
	}
	if r.CompleteUntil != schemas.At(to) {
		t.Errorf("--to %s: complete_until %s, want --to", schemas.At(to), r.CompleteUntil)
	}
	var raw struct {
		Segments []map[string]json.RawMessage `json:"segments"`
	}
	if err := json.Unmarshal(report, &raw); err != nil {
		t.Fatal(err)
	}
	counted := int64(0)
	for _, seg := range raw.Segments {
		for _, kind := range []string{"first_response", "reply", "resolution"} {
			var d map[string]any
			if err := json.Unmarshal(seg[kind], &d); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{"business_avg_ms", "business_p50_ms", "business_p90_ms", "business_p99_ms"} {
				if _, ok := d[f]; !ok {
					t.Errorf("--to %s: %s has no %s", schemas.At(to), kind, f)
				}
			}
			if n, _ := d["count"].(float64); n > 0 {
				counted += int64(n)
				if d["business_p99_ms"] == nil {
					t.Errorf("--to %s: %s counts %v durations but business_p99_ms is null", schemas.At(to), kind, n)
				}
			}
		}
	}
	if counted == 0 {
		t.Errorf("--to %s: no duration counted: the comparison covers no percentile", schemas.At(to))
	}
}

// pipelineEnv is the environment of a `floorwatch all` on the test
// services (testenv.PipelineEnv: prefix names its topics' prefix and its
// database), text logs at info, then extra.
func pipelineEnv(t *testing.T, name string, extra ...string) (prefix string, env []string) {
	prefix, vars := testenv.PipelineEnv(t, name)
	return prefix, slices.Concat(os.Environ(), vars, []string{"FLOORWATCH_LOG_LEVEL=info", "FLOORWATCH_LOG_FORMAT=text"}, extra)
}

// signRequests signs testdata/requests.jsonl with config.yaml's secrets.
func signRequests(t *testing.T, dir string) string {
	t.Helper()
	cfg, err := config.Load(rootConfig, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	s := NewSigner(cfg)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, r := range readFile(t, "testdata/requests.jsonl") {
		if err := enc.Encode(s.Sign(r)); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "signed.jsonl")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func readFile(t *testing.T, path string) []replayRequest {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	reqs, err := ReadRequests(f)
	if err != nil {
		t.Fatal(err)
	}
	return reqs
}

func runTool(ctx context.Context, t *testing.T, bin string, env []string, args ...string) []byte {
	t.Helper()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("floorwatch %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// process is a running `floorwatch all`, its log lines on a channel.
type process struct {
	cmd   *exec.Cmd
	lines chan string
	done  chan error
	log   *bytes.Buffer
}

func startAll(ctx context.Context, t *testing.T, bin string, env []string, prefix string) *process {
	t.Helper()
	return startAllWith(ctx, t, bin, rootConfig, env, prefix)
}

func startAllWith(ctx context.Context, t *testing.T, bin, cfg string, env []string, prefix string) *process {
	t.Helper()
	cmd := exec.CommandContext(ctx, bin, "all", "--config", cfg, "--instance", "e2e", "--topic-prefix", prefix)
	cmd.Env = env
	pr, pw := io.Pipe()
	cmd.Stderr, cmd.Stdout = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, lines: make(chan string, 1024), done: make(chan error, 1), log: &bytes.Buffer{}}
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			select {
			case p.lines <- sc.Text():
			default:
			}
		}
		close(p.lines)
	}()
	exited := make(chan struct{})
	go func() { err := cmd.Wait(); pw.Close(); close(exited); p.done <- err }()
	// A test that fails midway still stops floorwatch in its own order
	// (SIGTERM) before killing it: a client killed in the middle of an
	// INSERT can take the local ClickHouse engine down with it.
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	return p
}

var addrRE = regexp.MustCompile(`addr=(\S+)`)

// await returns the addr of the first log line holding msg.
func (p *process) await(ctx context.Context, t *testing.T, msg string) string {
	t.Helper()
	for {
		select {
		case line, ok := <-p.lines:
			if !ok {
				t.Fatalf("floorwatch all ended before %q:\n%s", msg, p.log)
			}
			p.log.WriteString(line + "\n")
			if m := addrRE.FindStringSubmatch(line); m != nil && strings.Contains(line, msg) {
				return m[1]
			}
		case <-ctx.Done():
			t.Fatalf("no %q from floorwatch all:\n%s", msg, p.log)
		}
	}
}

// stop sends SIGTERM and expects a clean exit.
func (p *process) stop(t *testing.T) {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	go func() {
		for l := range p.lines {
			_ = l
		}
	}()
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("floorwatch all after SIGTERM: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Errorf("floorwatch all did not stop within 30 s of SIGTERM")
	}
}

func lineDiff(want, got string) string {
	a, b := strings.Split(want, "\n"), strings.Split(got, "\n")
	var out strings.Builder
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			i, j = i+1, j+1
		default:
			if i < len(a) {
				fmt.Fprintf(&out, "- replay %4d: %s\n", i+1, a[i])
				i++
			}
			if j < len(b) {
				fmt.Fprintf(&out, "+ report %4d: %s\n", j+1, b[j])
				j++
			}
		}
	}
	return out.String()
}
