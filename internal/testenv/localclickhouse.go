package testenv

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// LocalClickHouse is a ClickHouse engine of a test's own, started with
// deployments/local/services in a temporary state dir on free ports, for
// tests that must reconfigure or break a server (users from a users
// file, wrong passwords over the native protocol, a kill) without
// touching the shared one. Stop it with t.Cleanup (done by
// StartLocalClickHouse).
type LocalClickHouse struct {
	// Native is the native protocol's host:port, HTTP the HTTP URL.
	Native, HTTP string
	tb           testing.TB
	env          []string
	script       string
}

// StartLocalClickHouse starts a throwaway engine; users, when not empty,
// is a users.xml for it (FLOORWATCH_CLICKHOUSE_USERS). It skips the test
// (fails it when FLOORWATCH_REQUIRE_SERVICES=1) when the engine is not
// installed: it never downloads it.
func StartLocalClickHouse(tb testing.TB, users string) *LocalClickHouse {
	tb.Helper()
	root, err := repoRoot()
	if err != nil {
		tb.Fatalf("testenv: %v", err)
	}
	cache := os.Getenv("FLOORWATCH_CACHE")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache", "floorwatch")
	}
	if m, _ := filepath.Glob(filepath.Join(cache, "chdb", "*", "libchdb.so")); len(m) == 0 {
		unavailable(tb, "local ClickHouse engine", "deployments/local/services install clickhouse", errNoDocker)
		return nil
	}
	native, err := freePort()
	if err != nil {
		tb.Fatal(err)
	}
	httpPort, err := freePort()
	if err != nil {
		tb.Fatal(err)
	}
	l := &LocalClickHouse{tb: tb, script: filepath.Join(root, "deployments", "local", "services"),
		Native: "127.0.0.1:" + strconv.Itoa(native), HTTP: "http://127.0.0.1:" + strconv.Itoa(httpPort)}
	l.env = append(os.Environ(), "FLOORWATCH_STATE="+tb.TempDir(), "FLOORWATCH_CACHE="+cache,
		"FLOORWATCH_CLICKHOUSE_PORT="+strconv.Itoa(native), "FLOORWATCH_CLICKHOUSE_HTTP_PORT="+strconv.Itoa(httpPort))
	tb.Cleanup(func() { _ = l.services("", "down", "clickhouse") })
	if err := l.services(users, "up", "clickhouse"); err != nil {
		tb.Fatalf("testenv: %v", err)
	}
	return l
}

// Restart stops the engine and starts it again on the same data and
// ports, with users as its users.xml ("" for none).
func (l *LocalClickHouse) Restart(users string) {
	l.tb.Helper()
	if err := l.services("", "down", "clickhouse"); err != nil {
		l.tb.Fatalf("testenv: %v", err)
	}
	if err := l.services(users, "up", "clickhouse"); err != nil {
		l.tb.Fatalf("testenv: %v", err)
	}
}

func (l *LocalClickHouse) services(users string, args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, l.script, args...)
	cmd.Env = append(l.env, "FLOORWATCH_CLICKHOUSE_USERS="+users)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("services %v: %w\n%s", args, err, out)
	}
	return nil
}

// repoRoot is the directory of go.mod, above the working directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}
