package ingest_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/ingest/decode"
	"github.com/floorwatch/floorwatch/ingest/normalize"
)

// The server's tests use the decoder's fixtures: its tenants and bodies.
const fixtures = "decode/testdata"

// Secrets of decode/testdata/tenants.yaml.
const (
	acmeWASecret = "acme-wa-secret"
	sharedMeta   = "shared-meta-secret"
	acmeXSecret  = "acme-x-secret"
)

func newDecoder(t testing.TB, verify bool) *decode.Decoder {
	t.Helper()
	cfg, err := config.Load(filepath.Join(fixtures, "tenants.yaml"), func(string) string { return "" })
	if err != nil {
		t.Fatalf("load test config: %v", err)
	}
	return decode.NewDecoder(cfg.Directory(), decode.Options{MaxBodyBytes: 4096, MaxBatchEvents: 100, Verify: verify})
}

func body(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, "bodies", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func metaSig(secret string, body []byte) string { return normalize.SignMeta([]byte(secret), body) }

func xSig(secret string, body []byte) string { return normalize.SignX([]byte(secret), body) }
