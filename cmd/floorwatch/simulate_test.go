package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/api/alerts"
	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/schemas"
)

// `simulate --out` writes a requests file that `replay --requests` reads:
// every line parses, the bad signatures are the only rejected requests,
// and the report has conversations for both demo tenants.
func TestSimulateWritesAFileThatReplayReads(t *testing.T) {
	file := filepath.Join(t.TempDir(), "requests.jsonl")
	code, _, stderr := runCLI(t, "", "simulate", "--config", "../../config.yaml", "--out", file,
		"--start", "2026-11-18T08:00:00Z", "--duration", "3h", "--rate", "2", "--seed", "3")
	if code != 0 || !strings.Contains(stderr, "simulate: done") {
		t.Fatalf("simulate: exit %d, stderr:\n%s", code, stderr)
	}
	lines := countLines(t, file)
	code, stdout, stderr := runCLI(t, "", "replay", "--config", "../../config.yaml", "--requests", file,
		"--from", "2026-11-18T08:00:00Z", "--to", "2026-11-18T11:00:00Z", "--by", "tenant")
	if code != 0 {
		t.Fatalf("replay: exit %d, stderr %s", code, stderr)
	}
	var report schemas.Report
	if err := json.Unmarshal([]byte(stdout), &report); err != nil {
		t.Fatal(err)
	}
	tenants := map[string]int64{}
	for _, s := range report.Segments {
		tenants[s.Key["tenant"]] = s.Total
	}
	if tenants["acme"] == 0 || tenants["globex"] == 0 {
		t.Errorf("conversations by tenant: %v", tenants)
	}
	if !strings.Contains(stderr, "replay: "+strconv.Itoa(lines)+" requests: ") {
		t.Errorf("replay read other than the %d lines written: %s", lines, stderr)
	}
}

// With --url and a start in the past, simulate catches up: it posts to
// ingest (here a stand-in that answers 200) and the file it writes at the
// same time records when each request was really sent.
func TestSimulatePostsAndRecordsTheRealArrival(t *testing.T) {
	var got atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		got.Add(1)
	}))
	defer srv.Close()
	file := filepath.Join(t.TempDir(), "sent.jsonl")
	began := time.Now()
	code, _, stderr := runCLI(t, "", "simulate", "--config", "../../config.yaml", "--url", srv.URL, "--out", file,
		"--start", began.Add(-time.Hour).Format(time.RFC3339), "--duration", "30s", "--rate", "1000", "--speedup", "100")
	if code != 0 || !strings.Contains(stderr, "answers 200 ×") {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	n := countLines(t, file)
	if n == 0 || int64(n) != got.Load() {
		t.Errorf("%d requests written, %d received", n, got.Load())
	}
	f, _ := os.Open(file)
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 8<<20)
	for sc.Scan() {
		var r schemas.Request
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		if r.ReceivedAt.Before(began.Truncate(time.Millisecond)) {
			t.Fatalf("received_at %s is the simulated arrival, not the real one (after %s)", r.ReceivedAt, began)
		}
	}
}

func TestSimulateRefusesBadFlagsWithStatusTwo(t *testing.T) {
	cases := [][]string{
		{"simulate"}, // neither --url nor --out
		{"simulate", "--out", "x.jsonl"},
		{"simulate", "--out", "x.jsonl", "--duration", "1h", "--conversations", "3"},
		{"simulate", "--out", "x.jsonl", "--duration", "1h", "--rate", "0"},
		{"simulate", "--out", "x.jsonl", "--duration", "1h", "--start", "yesterday"},
		{"simulate", "--url", "http://127.0.0.1:1", "--start", time.Now().Add(time.Hour).Format(time.RFC3339)},
		{"simulate", "--out", "x.jsonl", "--duration", "1h", "extra"},
	}
	for _, args := range cases {
		if code, _, stderr := runCLI(t, "", args...); code != 2 || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a reason", args, code, stderr)
		}
	}
}

func countLines(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(b), "\n")
}

// simulate --receive-alerts plays the tenants' receivers: a notification
// signed with its tenant's notify secret is printed and answered 204; one
// signed with another secret, or another tenant's, gets 401.
func TestSimulateReceivesAlertNotifications(t *testing.T) {
	cfg, err := config.Load("../../config.yaml", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	var out syncBuffer
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := free.Addr().String()
	free.Close()
	stop, err := receiveAlerts(ln, cfg.Directory(), &out)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	body := `{"id":"abc","tenant":"acme","rule":"sales-queue","state":"firing","value":4,"team":"sales","at":"2026-12-03T10:00:00.000Z"}`
	post := func(secret, body string) int {
		req, _ := http.NewRequest(http.MethodPost, "http://"+ln+"/alerts/acme", strings.NewReader(body))
		req.Header.Set(alerts.SignatureHeader, alerts.Sign([]byte(secret), []byte(body)))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := post("dev-acme-alert-secret", body); s != http.StatusNoContent {
		t.Errorf("signed with acme's secret: %d, want 204", s)
	}
	if s := post("guess", body); s != http.StatusUnauthorized {
		t.Errorf("signed with another secret: %d, want 401", s)
	}
	if s := post("dev-acme-alert-secret", strings.Replace(body, `"acme"`, `"globex"`, 1)); s != http.StatusUnauthorized {
		t.Errorf("acme's secret on globex's notification: %d, want 401", s)
	}
	if got, want := out.String(), "alert: acme sales-queue firing (sales) value=4 at=2026-12-03T10:00:00.000Z id=abc\n"; got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader in two
// goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
