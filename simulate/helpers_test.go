package simulate

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/ingest/decode"
)

// demoConfig is the repository's config.yaml: two tenants, acme with a
// platform feed on four channels, globex with echoes as replies.
func demoConfig(t *testing.T) *config.Config {
	t.Helper()
	cfg, err := config.Load("../config.yaml", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// wednesday is midnight in Paris on Wednesday 18 November 2026.
var wednesday = time.Date(2026, 11, 18, 0, 0, 0, 0, time.UTC).Add(-time.Hour)

func generate(t *testing.T, cfg *config.Config, opts Options) ([]Request, *Generator) {
	t.Helper()
	g, err := New(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	var out []Request
	for r := range g.All() {
		out = append(out, r)
	}
	return out, g
}

func verifyingDecoder(cfg *config.Config) *decode.Decoder {
	return decode.NewDecoder(cfg.Directory(), decode.Options{MaxBodyBytes: cfg.Ingest.MaxBodyBytes,
		MaxBatchEvents: cfg.Ingest.MaxBatchEvents, Verify: true})
}

func decodeRequest(d *decode.Decoder, r *Request) decode.Outcome {
	path, raw, _ := strings.Cut(r.Path, "?")
	q, _ := url.ParseQuery(raw)
	return d.Decode(r.Method, path, q, r.Headers.HTTP(), []byte(r.Body), r.ReceivedAt.Time)
}
