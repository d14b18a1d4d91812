package decode_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/ingest/decode"
	"github.com/floorwatch/floorwatch/ingest/normalize"
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

func newDecoder(t testing.TB, verify bool) *decode.Decoder {
	return decode.NewDecoder(loadDirectory(t), decode.Options{MaxBodyBytes: 4096, MaxBatchEvents: 100, Verify: verify})
}

func body(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "bodies", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func metaSig(secret string, body []byte) string { return normalize.SignMeta([]byte(secret), body) }

func xSig(secret string, body []byte) string { return normalize.SignX([]byte(secret), body) }
