package e2e

import (
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/ingest/decode"
)

// Every recorded request, signed with config.yaml's development secrets,
// is accepted by a verifying ingest, and none is dead-lettered: each got
// its own tenant's secret or API key.
func TestSignedRequestsAreAcceptedByTheirTenant(t *testing.T) {
	cfg, err := config.Load(rootConfig, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("testdata/requests.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	reqs, err := ReadRequests(f)
	if err != nil {
		t.Fatal(err)
	}
	s := NewSigner(cfg)
	dec := decode.NewDecoder(cfg.Directory(), decode.Options{MaxBodyBytes: 1 << 20, MaxBatchEvents: 1000, Verify: true})
	for i, r := range reqs {
		sr := s.Sign(r)
		h := http.Header(sr.Headers)
		o := dec.Decode(sr.Method, sr.Path, nil, h, []byte(sr.Body), time.Now())
		if o.Status != http.StatusOK || o.DeadLetter != nil {
			t.Errorf("request %d (%s): status %d, dead letter %v", i+1, sr.Path, o.Status, o.DeadLetter != nil)
		}
	}
}
