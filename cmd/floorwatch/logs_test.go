package main

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/internal/testenv"
)

const operationsDoc = "../../docs/operations.md"

// documentedLogKeys are the keys of the table of docs/operations.md's
// "Logs" section: every key a log line may carry.
func documentedLogKeys(t *testing.T) map[string]bool {
	t.Helper()
	f, err := os.Open(operationsDoc)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	row := regexp.MustCompile("^\\| `([a-z_]+)` \\|")
	keys := map[string]bool{}
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			in = line == "## Logs"
			continue
		}
		if m := row.FindStringSubmatch(line); in && m != nil {
			keys[m[1]] = true
		}
	}
	for _, k := range []string{"role", "tenant", "channel", "topic", "partition", "offset", "table", "err", "time", "level", "msg"} {
		if !keys[k] {
			t.Fatalf("%s, section Logs: key %q is not in the table", operationsDoc, k)
		}
	}
	return keys
}

// Every slog call of the module (the roles, stages and tools, tests
// aside) uses documented keys only: the same concept always has the same
// key (tenant, never tenant_id; err, never error).
func TestEveryLogCallUsesDocumentedKeys(t *testing.T) {
	keys := documentedLogKeys(t)
	calls := 0
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "testdata", "test", "bench", "node_modules":
				return filepath.SkipDir
			}
			if strings.HasPrefix(d.Name(), ".") && path != "../.." {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		for _, k := range logKeys(f) {
			calls++
			if !keys[k.key] {
				t.Errorf("%s: log key %q is not documented in %s (section Logs): use a documented key, or document it",
					fset.Position(k.pos), k.key, operationsDoc)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls < 30 {
		t.Fatalf("found only %d log keys: the scan misses the log calls", calls)
	}
}

type logKey struct {
	key string
	pos token.Pos
}

// logKeys returns the literal keys of f's log calls: logger methods
// Debug/Info/Warn/Error(msg, k, v, ...), Log(ctx, level, msg, k, v, ...),
// With(k, v, ...), and attributes slog.String/Int/Any/...("k", v).
func logKeys(f *ast.File) []logKey {
	var out []logKey
	ast.Inspect(f, func(n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := c.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "slog" {
			switch sel.Sel.Name {
			case "String", "Int", "Int64", "Uint64", "Float64", "Bool", "Time", "Duration", "Any", "Group":
				if k, ok := stringLit(c.Args, 0); ok {
					out = append(out, logKey{k, c.Pos()})
				}
			}
			return true
		}
		start := map[string]int{"Debug": 1, "Info": 1, "Warn": 1, "Error": 1, "Log": 3, "With": 0}
		first, ok := start[sel.Sel.Name]
		if !ok || len(c.Args) <= first {
			return true
		}
		if _, isMsg := stringLit(c.Args, first-1); first > 0 && !isMsg && sel.Sel.Name != "Log" {
			return true // not a logger call: its message is not a literal
		}
		for i := first; i < len(c.Args); i += 2 {
			if k, ok := stringLit(c.Args, i); ok {
				out = append(out, logKey{k, c.Args[i].Pos()})
			}
		}
		return true
	})
	return out
}

func stringLit(args []ast.Expr, i int) (string, bool) {
	if i < 0 || i >= len(args) {
		return "", false
	}
	l, ok := args[i].(*ast.BasicLit)
	if !ok || l.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(l.Value)
	return s, err == nil
}

// `floorwatch all` with log.format json: every line it writes, from
// start-up to its exit on SIGTERM, is one JSON object with a role and
// documented keys only, the concept keys typed as documented. Its one
// /metrics carries every role's series.
func TestAllLogsOneJSONObjectPerLineWithDocumentedKeys(t *testing.T) {
	if testing.Short() {
		t.Skip("runs floorwatch all against Kafka and ClickHouse")
	}
	keys := documentedLogKeys(t)
	brokers := testenv.KafkaBrokers(t)
	chAddr, _ := testenv.ClickHouse(t)
	_, db := testenv.ClickHouseDatabase(t, "logs")
	prefix := testenv.UniqueName(t, "logs") + "."
	bin := testenv.BuildFloorwatch(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	env := append(roleEnv(t, brokers, chAddr), "FLOORWATCH_CLICKHOUSE_DATABASE="+db, "FLOORWATCH_LOG_LEVEL=debug")
	all := testenv.StartFloorwatch(t, bin, env, "all", "--config", "../../config.yaml", "--instance", "logs-1",
		"--topic-prefix", prefix)
	t.Cleanup(func() { deleteTopics(t, prefix) })
	ingest := all.Await(ctx, t, "ingest listening")["addr"].(string)
	metrics := all.Await(ctx, t, "metrics listening")["addr"].(string)
	testenv.AwaitReady(ctx, t, metrics)

	// Traffic that logs at every level: accepted (debug), dead-lettered
	// (an account of no tenant: warn), refused (info).
	body, err := os.ReadFile("../../ingest/decode/testdata/bodies/whatsapp.json")
	if err != nil {
		t.Fatal(err)
	}
	known := []byte(strings.ReplaceAll(string(body), "106540352242922", "100000000000001"))
	for _, c := range []struct {
		body []byte
		sig  string
		want int
	}{
		{known, metaSignature("dev-acme-whatsapp-app-secret", known), 200},
		{body, metaSignature("dev-acme-whatsapp-app-secret", body), 200},
		{known, metaSignature("wrong", known), 401},
	} {
		if got := postUntilUp(t, "http://"+ingest+"/webhooks/whatsapp", c.body, c.sig); got != c.want {
			t.Errorf("webhook answered %d, want %d", got, c.want)
		}
	}
	// One /metrics for every role of the process; the sink's series
	// appear with its first batch.
	for _, name := range []string{"floorwatch_build_info", "floorwatch_ingest_requests_total",
		"floorwatch_process_events_total", "floorwatch_sink_batches_total"} {
		for len(scrape(t, metrics, name)) == 0 {
			select {
			case <-ctx.Done():
				t.Fatalf("floorwatch all's /metrics has no %s", name)
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
	time.Sleep(time.Second) // a few more transactions and batches
	if code := all.Stop(30 * time.Second); code != 0 {
		t.Fatalf("floorwatch all exited with %d", code)
	}

	lines := all.Lines()
	seen := map[string]bool{}
	for i, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Errorf("line %d is not JSON: %q", i+1, l)
			continue
		}
		for k, v := range m {
			seen[k] = true
			if !keys[k] {
				t.Errorf("line %d: key %q is not documented: %s", i+1, k, l)
			}
			if msg := checkConceptValue(k, v); msg != "" {
				t.Errorf("line %d: %s: %s", i+1, msg, l)
			}
		}
		if r, _ := m["role"].(string); !strings.Contains(" all migrate ingest process sink api ", " "+r+" ") || r == "" {
			t.Errorf("line %d has role %q, want one of all, migrate, ingest, process, sink, api: %s", i+1, m["role"], l)
		}
	}
	for _, k := range []string{"role", "tenant", "channel", "route", "err"} {
		if !seen[k] {
			t.Errorf("no line carried %q: the traffic did not exercise it", k)
		}
	}
}

// checkConceptValue checks the type of a concept key's value: partition
// and offset are numbers, the others strings.
func checkConceptValue(k string, v any) string {
	switch k {
	case "partition", "offset":
		if _, ok := v.(float64); !ok {
			return k + " is not a number"
		}
	case "role", "tenant", "channel", "topic", "table", "err":
		if _, ok := v.(string); !ok {
			return k + " is not a string"
		}
	}
	return ""
}

func metaSignature(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// deleteTopics deletes the topics that a run of `all` created under prefix.
func deleteTopics(t *testing.T, prefix string) {
	adm := testenv.KafkaAdmin(t)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	topics, err := adm.ListTopics(ctx)
	if err != nil {
		t.Logf("list topics: %v", err)
		return
	}
	var mine []string
	for _, name := range topics.Names() {
		if strings.HasPrefix(name, prefix) {
			mine = append(mine, name)
		}
	}
	if len(mine) > 0 {
		if _, err := adm.DeleteTopics(ctx, mine...); err != nil {
			t.Logf("delete topics %s*: %v", prefix, err)
		}
	}
}
