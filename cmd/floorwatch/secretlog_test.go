package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/floorwatch/floorwatch/config"
)

// lockedBuffer is a bytes.Buffer safe for the writes of a running command
// and the reads of the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestNoConfiguredSecretReachesAnyLogLine runs commands at debug level
// with a configuration full of secrets, through what makes them log the
// most (refused and accepted requests, dead letters, unreachable
// ClickHouse, configuration problems), and scans every line they wrote,
// stdout and stderr, for every configured secret.
func TestNoConfiguredSecretReachesAnyLogLine(t *testing.T) {
	k, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	listen := freeAddr(t)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.yaml")
	yaml := fmt.Sprintf(`
ingest: {listen: %q}
metrics: {listen: ""}
log: {level: debug, format: json}
kafka: {brokers: [%q], partitions: 2}
clickhouse: {addr: %q, password: ch-password-s3cret, dial_timeout: 1s}
channels:
  messenger: {app_secret: shared-meta-s3cret, verify_token: shared-verify-s3cret}
tenants:
  - id: acme
    accounts: {whatsapp: ["106540352242922"], x: ["1580000000000000001"]}
    api_keys: [acme-api-key-s3cret]
    channels:
      whatsapp: {app_secret: acme-wa-s3cret, verify_token: acme-verify-s3cret}
      x: {consumer_secret: acme-x-s3cret}
  - id: globex
    accounts: {whatsapp: ["200000000000002"], messenger: ["2000000000000002"]}
    api_keys: [globex-api-key-s3cret]
    channels:
      whatsapp: {app_secret: globex-wa-s3cret, verify_token: globex-verify-s3cret}
`, listen, k.ListenAddrs()[0], freeAddr(t))
	if err := os.WriteFile(cfgPath, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(cfgPath, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	secrets := cfg.SecretValues()
	if len(secrets) != 10 {
		t.Fatalf("%d secrets configured, want the 10 of the file", len(secrets))
	}

	var logs lockedBuffer
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		env := &cmdEnv{stdout: &logs, stderr: &logs, getenv: func(string) string { return "" }}
		done <- run(ctx, env, []string{"ingest", "--config", cfgPath})
	}()
	wa, err := os.ReadFile(filepath.Join("..", "..", "ingest", "decode", "testdata", "bodies", "whatsapp.json"))
	if err != nil {
		t.Fatal(err)
	}
	sign := func(secret string, body []byte) string {
		m := hmac.New(sha256.New, []byte(secret))
		m.Write(body)
		return "sha256=" + hex.EncodeToString(m.Sum(nil))
	}
	base := "http://" + listen
	if status := postUntilUp(t, base+"/webhooks/whatsapp", wa, sign("acme-wa-s3cret", wa)); status != 200 {
		t.Fatalf("signed webhook: %d", status)
	}
	events := `{"events":[{"id":"e1","type":"conversation.routed","team":"t","occurred_at":"2026-11-20T09:00:00Z",` +
		`"conversation":{"channel":"whatsapp","account_id":"106540352242922","customer_id":"1"}}]}`
	for _, r := range []struct{ method, path, body, header, value string }{
		{"POST", "/webhooks/whatsapp", string(wa), "X-Hub-Signature-256", sign("globex-wa-s3cret", wa)}, // dead letter
		{"POST", "/webhooks/whatsapp", "not json", "X-Hub-Signature-256", sign("acme-wa-s3cret", []byte("not json"))},
		{"POST", "/webhooks/whatsapp", string(wa), "X-Hub-Signature-256", "sha256=acme-wa-s3cret"},
		{"POST", "/v1/events", events, "Authorization", "Bearer acme-api-key-s3cret"},
		{"POST", "/v1/events", events, "Authorization", "Bearer globex-api-key-s3cret"}, // foreign account: 400
		{"POST", "/v1/events", events, "Authorization", "Bearer acme-wa-s3cret"},        // a secret as a key: 401
		{"POST", "/v1/events", `{"events":[{"id":"x","note":"acme-api-key-s3cret"}]}`, "Authorization", "Bearer acme-api-key-s3cret"},
		{"GET", "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=acme-verify-s3cret&hub.challenge=42", "", "", ""},
		{"GET", "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=globex-verify-s3cret-x&hub.challenge=42", "", "", ""},
		{"GET", "/webhooks/x?crc_token=acme-x-s3cret", "", "", ""},
	} {
		req, _ := http.NewRequest(r.method, base+r.path, strings.NewReader(r.body))
		if r.header != "" {
			req.Header.Set(r.header, r.value)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	stop()
	if code := <-done; code != 0 {
		t.Errorf("ingest exit status %d", code)
	}
	out := logs.String()
	if !strings.Contains(out, `"msg":"request refused"`) || !strings.Contains(out, `"msg":"body dead-lettered"`) {
		t.Fatalf("the run logged no refusal or dead letter: the scan would prove nothing:\n%s", out)
	}
	// ClickHouse unreachable (with its password configured), and
	// configuration problems that involve secrets.
	for _, args := range [][]string{
		{"migrate", "--config", cfgPath},
		{"report", "--config", cfgPath, "--from", "2026-11-20T00:00:00Z", "--to", "2026-11-21T00:00:00Z"},
		{"config", "show", "--config", cfgPath},
		{"config", "validate", "--config", cfgPath},
	} {
		_, stdout, stderr := runCmd(t, nil, args...)
		out += stdout + stderr
	}
	dup := strings.Replace(yaml, "globex-api-key-s3cret", "acme-api-key-s3cret", 1)
	dupPath := filepath.Join(dir, "dup.yaml")
	if err := os.WriteFile(dupPath, []byte(dup), 0o600); err != nil {
		t.Fatal(err)
	}
	_, stdout, stderr := runCmd(t, nil, "config", "validate", "--config", dupPath)
	if !strings.Contains(stderr, "api_keys") {
		t.Errorf("a duplicate API key was not reported: %s", stderr)
	}
	out += stdout + stderr

	lines := strings.Split(out, "\n")
	for n, line := range lines {
		for i, s := range secrets {
			if strings.Contains(line, s) {
				t.Errorf("line %d holds configured secret #%d: %.200s", n+1, i+1, line)
			}
		}
	}
	t.Logf("%d lines scanned for %d secrets", len(lines), len(secrets))
}
