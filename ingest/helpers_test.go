package ingest_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/ingest"
)

// Secrets of testdata/tenants.yaml.
const (
	acmeWASecret   = "acme-wa-secret"
	globexWASecret = "globex-wa-secret"
	sharedMeta     = "shared-meta-secret"
	acmeXSecret    = "acme-x-secret"
)

func loadDirectory(t testing.TB) *config.Directory {
	t.Helper()
	cfg, err := config.Load(filepath.Join("testdata", "tenants.yaml"), func(string) string { return "" })
	if err != nil {
		t.Fatalf("load test config: %v", err)
	}
	return cfg.Directory()
}

func newDecoder(t testing.TB, verify bool) *ingest.Decoder {
	return ingest.NewDecoder(loadDirectory(t), ingest.DecoderOptions{MaxBodyBytes: 4096, MaxBatchEvents: 100, Verify: verify})
}

func body(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "bodies", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// metaSig is X-Hub-Signature-256 of body under secret.
func metaSig(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// xSig is x-twitter-webhooks-signature of body under secret.
func xSig(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + base64.StdEncoding.EncodeToString(m.Sum(nil))
}
