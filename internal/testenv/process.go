package testenv

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// BuildFloorwatch builds ./cmd/floorwatch of this module into a directory
// removed when the test ends, and returns the binary's path. ldflags, if
// any, are passed to go build as -ldflags.
func BuildFloorwatch(tb testing.TB, ldflags string) string {
	tb.Helper()
	root, err := moduleRoot()
	if err != nil {
		tb.Fatalf("testenv: %v", err)
	}
	bin := filepath.Join(tb.TempDir(), "floorwatch")
	args := []string{"build", "-o", bin}
	if ldflags != "" {
		args = append(args, "-ldflags", ldflags)
	}
	cmd := exec.Command("go", append(args, "./cmd/floorwatch")...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("testenv: go build ./cmd/floorwatch: %v\n%s", err, out)
	}
	return bin
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("not inside the module")
	}
	return filepath.Dir(mod), nil
}

// Process is a floorwatch process started by a test, logging JSON
// (log.format json) to its stderr, which the Process keeps line by line.
// It is stopped with SIGTERM when the test ends if the test did not stop
// it: never killed first, because a client killed in the middle of an
// insert can abort the local ClickHouse engine.
type Process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	code int

	mu    sync.Mutex
	lines []string
	added chan struct{} // signalled on every new line
}

// StartFloorwatch starts bin with args and env (added to the test
// process's environment).
func StartFloorwatch(tb testing.TB, bin string, env []string, args ...string) *Process {
	tb.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("testenv: start floorwatch %v: %v", args, err)
	}
	p := &Process{cmd: cmd, done: make(chan struct{}), added: make(chan struct{}, 1)}
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.lines = append(p.lines, sc.Text())
			p.mu.Unlock()
			select {
			case p.added <- struct{}{}:
			default:
			}
		}
		err := cmd.Wait()
		p.code = cmd.ProcessState.ExitCode()
		if err != nil && p.code == 0 {
			p.code = -1
		}
		close(p.done)
	}()
	tb.Cleanup(func() {
		if code := p.Stop(30 * time.Second); code != 0 || tb.Failed() {
			tb.Logf("floorwatch %v (exit status %d): log:\n%s", args, code, strings.Join(p.Lines(), "\n"))
		}
	})
	return p
}

// Lines returns the log lines written so far.
func (p *Process) Lines() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.lines...)
}

// Await waits for the first JSON log line whose msg is msg and returns
// its fields. It fails the test when ctx ends or the process exits first.
func (p *Process) Await(ctx context.Context, tb testing.TB, msg string) map[string]any {
	tb.Helper()
	seen := 0
	for {
		lines := p.Lines()
		for _, l := range lines[seen:] {
			var m map[string]any
			if json.Unmarshal([]byte(l), &m) == nil && m["msg"] == msg {
				return m
			}
		}
		seen = len(lines)
		select {
		case <-p.added:
		case <-p.done:
			if len(p.Lines()) == seen {
				tb.Fatalf("floorwatch exited (status %d) before logging %q; log:\n%s", p.code, msg, strings.Join(p.Lines(), "\n"))
			}
		case <-ctx.Done():
			tb.Fatalf("no log line %q: %v; log:\n%s", msg, ctx.Err(), strings.Join(p.Lines(), "\n"))
		}
	}
}

// AwaitReady waits until GET http://addr/readyz answers 200.
func AwaitReady(ctx context.Context, tb testing.TB, addr string) {
	tb.Helper()
	for {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-ctx.Done():
			tb.Fatalf("%s/readyz never answered 200: %v", addr, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Stop sends SIGTERM and waits for the process to exit, at most timeout;
// past it the process is killed (status -1). It returns the exit status.
func (p *Process) Stop(timeout time.Duration) int {
	select {
	case <-p.done:
		return p.code
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return p.code
	case <-time.After(timeout):
		_ = p.cmd.Process.Kill()
		<-p.done
		return -1
	}
}

// Exited is closed when the process has exited.
func (p *Process) Exited() <-chan struct{} { return p.done }

// PipelineEnv is the environment, without the test process's own, of a
// floorwatch process on the test services with topics and a database of
// its own: name (UniqueName(tb, prefix)) names the database and, followed
// by ".", prefixes the topics (--topic-prefix); 4 partitions; the ingest,
// API and metrics listeners on free ports. Later entries (a caller's
// additions) override these.
func PipelineEnv(tb testing.TB, prefix string) (name string, env []string) {
	tb.Helper()
	name = UniqueName(tb, prefix)
	chAddr, _ := ClickHouse(tb)
	return name, []string{
		"FLOORWATCH_KAFKA_BROKERS=" + strings.Join(KafkaBrokers(tb), ","),
		"FLOORWATCH_KAFKA_PARTITIONS=4",
		"FLOORWATCH_CLICKHOUSE_ADDR=" + chAddr,
		"FLOORWATCH_CLICKHOUSE_DATABASE=" + name,
		"FLOORWATCH_INGEST_LISTEN=127.0.0.1:0",
		"FLOORWATCH_API_LISTEN=127.0.0.1:0",
		"FLOORWATCH_METRICS_LISTEN=127.0.0.1:0",
	}
}
