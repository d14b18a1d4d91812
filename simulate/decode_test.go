package simulate

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// Every generated request, through the real ingest decoder, gets the
// answer it was generated for: good ones 200 with exactly the events the
// generator meant (kinds in body order, the right tenant, never in the
// future of their arrival); bad signatures 401 with nothing; unparseable
// bodies 200 and a dead letter; handshakes 200.
func TestEveryRequestGetsTheAnswerItIsMeantFor(t *testing.T) {
	cfg := demoConfig(t)
	reqs, _ := generate(t, cfg, Options{Seed: 7, Start: wednesday, Rate: 3, End: wednesday.Add(6 * time.Hour)})
	dec := verifyingDecoder(cfg)
	seen := map[Outcome]int{}
	for i := range reqs {
		r := &reqs[i]
		o := decodeRequest(dec, r)
		seen[r.Outcome]++
		if o.Status != r.Outcome.Status() {
			t.Fatalf("request %d (%s %s, %s): status %d (%s), want %d\n%s", i, r.Method, r.Path, r.Outcome,
				o.Status, o.Reason, r.Outcome.Status(), r.Body)
		}
		if (o.DeadLetter != nil) != (r.Outcome == Unparseable) {
			t.Fatalf("request %d (%s, %s): dead letter %v\n%s", i, r.Path, r.Outcome, o.DeadLetter, r.Body)
		}
		var kinds []schemas.Kind
		for _, e := range o.Events {
			kinds = append(kinds, e.Kind)
			if e.OccurredAt.After(r.ReceivedAt.Time) {
				t.Fatalf("request %d: event %s occurred at %s, after its arrival %s", i, e.ID, e.OccurredAt, r.ReceivedAt)
			}
			if e.Tenant != r.Tenant {
				t.Fatalf("request %d: event of tenant %q, want %q", i, e.Tenant, r.Tenant)
			}
		}
		if !slices.Equal(kinds, r.Kinds) {
			t.Fatalf("request %d (%s): ingest publishes %v, the generator meant %v\n%s", i, r.Path, kinds, r.Kinds, r.Body)
		}
	}
	for o := range numOutcomes {
		if seen[o] == 0 {
			t.Errorf("no request meant to be %s among %d", o, len(reqs))
		}
	}
	if seen[Accepted] == 0 || http.StatusOK != Accepted.Status() {
		t.Fatal("no accepted request")
	}
}
