package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

// TestIngestServesUntilSignaledThenDrains runs `floorwatch ingest` against
// an in-process Kafka: it creates the topics, answers a signed webhook 200,
// and returns 0 once its context ends.
func TestIngestServesUntilSignaledThenDrains(t *testing.T) {
	k, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	listen := freeAddr(t)
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	yaml := fmt.Sprintf("ingest: {listen: %q}\nmetrics: {listen: \"\"}\nkafka: {brokers: [%q], partitions: 2}\n"+
		"channels: {whatsapp: {app_secret: cli-secret}}\n", listen, k.ListenAddrs()[0])
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	codec := make(chan int, 1)
	var stderr bytes.Buffer
	go func() {
		env := &cmdEnv{stdout: &bytes.Buffer{}, stderr: &stderr, getenv: func(string) string { return "" }}
		codec <- run(ctx, env, []string{"ingest", "--config", cfg})
	}()

	body, err := os.ReadFile(filepath.Join("..", "..", "ingest", "decode", "testdata", "bodies", "whatsapp.json"))
	if err != nil {
		t.Fatal(err)
	}
	mac := hmac.New(sha256.New, []byte("cli-secret"))
	mac.Write(body)
	status := postUntilUp(t, "http://"+listen+"/webhooks/whatsapp", body, "sha256="+hex.EncodeToString(mac.Sum(nil)))
	stop()
	if status != http.StatusOK {
		t.Errorf("signed webhook got %d, want 200", status)
	}
	if code := <-codec; code != 0 {
		t.Errorf("exit status %d, want 0; stderr:\n%s", code, stderr.String())
	}
}

func TestIngestReportsConfigProblems(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte("ingest: {max_in_flight: -1}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "", "ingest", "--config", cfg)
	if code != 1 || !bytes.Contains([]byte(stderr), []byte("ingest.max_in_flight")) {
		t.Errorf("exit %d, stderr %q; want 1 naming ingest.max_in_flight", code, stderr)
	}
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// postUntilUp posts until the server accepts connections (at most 20s).
func postUntilUp(t *testing.T, url string, body []byte, sig string) int {
	deadline := time.Now().Add(20 * time.Second)
	for {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("X-Hub-Signature-256", sig)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			return resp.StatusCode
		}
		if time.Now().After(deadline) {
			t.Fatalf("server never came up: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
