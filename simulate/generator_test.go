package simulate

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/schemas"
)

func lines(reqs []Request) []byte {
	var b bytes.Buffer
	for i := range reqs {
		line, _ := json.Marshal(reqs[i].Request)
		b.Write(append(line, '\n'))
	}
	return b.Bytes()
}

// The same configuration, options and seed give the same requests file,
// byte for byte; another seed gives another one.
func TestTheSameSeedGivesTheSameBytes(t *testing.T) {
	cfg := demoConfig(t)
	opts := Options{Seed: 42, Start: wednesday.Add(9 * time.Hour), Rate: 4, End: wednesday.Add(11 * time.Hour)}
	a, _ := generate(t, cfg, opts)
	b, _ := generate(t, demoConfig(t), opts)
	opts.Seed = 43
	c, _ := generate(t, cfg, opts)
	if len(a) < 1000 {
		t.Fatalf("only %d requests", len(a))
	}
	if !bytes.Equal(lines(a), lines(b)) {
		t.Error("two runs with seed 42 differ")
	}
	if bytes.Equal(lines(a), lines(c)) {
		t.Error("seeds 42 and 43 give the same requests")
	}
}

// Requests come in order of arrival; some are late (their events
// occurred before those of requests already delivered), some are retries
// of an earlier request, byte for byte.
func TestRequestsArriveInOrderWithLateOnesAndRetries(t *testing.T) {
	reqs, _ := generate(t, demoConfig(t), Options{Seed: 3, Start: wednesday.Add(8 * time.Hour), Rate: 3,
		End: wednesday.Add(12 * time.Hour)})
	bodies := map[string]bool{}
	var late, outOfOrder, retries int
	var newest time.Time
	for i, r := range reqs {
		if i > 0 && r.ReceivedAt.Before(reqs[i-1].ReceivedAt.Time) {
			t.Fatalf("request %d arrives at %s, before request %d (%s)", i, r.ReceivedAt, i-1, reqs[i-1].ReceivedAt)
		}
		if r.Late {
			late++
		}
		if at := occurredMax(t, &r); !at.IsZero() {
			if at.Before(newest.Add(-time.Minute)) {
				outOfOrder++
			}
			if at.After(newest) {
				newest = at
			}
		}
		if r.Outcome == Duplicate {
			if !bodies[r.Body] {
				t.Fatalf("request %d is a retry of no earlier request", i)
			}
			retries++
		}
		bodies[r.Body] = true
	}
	if late == 0 || outOfOrder == 0 || retries == 0 {
		t.Errorf("%d late, %d out of order, %d retries among %d requests; want some of each", late, outOfOrder, retries, len(reqs))
	}
}

// occurredMax is the latest event time a request's body carries.
func occurredMax(t *testing.T, r *Request) time.Time {
	t.Helper()
	var latest time.Time
	if r.Route != "/v1/events" || r.Outcome != Accepted {
		return latest
	}
	var batch struct {
		Events []struct {
			OccurredAt schemas.Time `json:"occurred_at"`
		} `json:"events"`
	}
	if err := json.Unmarshal([]byte(r.Body), &batch); err != nil {
		t.Fatal(err)
	}
	for _, e := range batch.Events {
		if e.OccurredAt.After(latest) {
			latest = e.OccurredAt.Time
		}
	}
	return latest
}

// Day after day, the first one included (a run starts empty and makes up
// for the conversations that would be under way), the events per second
// of simulated time stay within 10% of the target.
func TestTheRateIsHeldDayAfterDay(t *testing.T) {
	for _, rate := range []float64{0.4, 1.5} {
		start := wednesday
		reqs, _ := generate(t, demoConfig(t), Options{Seed: 5, Start: start, Rate: rate, End: start.Add(48 * time.Hour)})
		perDay := make([]int, 2)
		for _, r := range reqs {
			perDay[int(r.ReceivedAt.Sub(start)/(24*time.Hour))] += r.Events
		}
		for d := range 2 {
			got := float64(perDay[d]) / 86400
			t.Logf("rate %g: day %d gave %.3f events per second", rate, d+1, got)
			if math.Abs(got-rate)/rate > 0.1 {
				t.Errorf("rate %g: day %d gave %.3f events per second", rate, d+1, got)
			}
		}
	}
}

// With a bound on conversations, exactly that many start and the stream
// ends after the last of their requests.
func TestAConversationBoundEndsTheStream(t *testing.T) {
	reqs, g := generate(t, demoConfig(t), Options{Seed: 9, Start: wednesday.Add(10 * time.Hour), Rate: 5, Conversations: 40})
	if c := g.Counters(); c.Conversations != 40 || c.Requests != len(reqs) || len(reqs) < 40 {
		t.Errorf("%d conversations, %d requests (counted %d)", c.Conversations, len(reqs), c.Requests)
	}
	if _, ok := g.Next(); ok {
		t.Error("Next gives a request after the end")
	}
}

// Meta bodies are ASCII with every non-ASCII rune escaped as \uXXXX and
// '/' as "\/"; X bodies are raw UTF-8 and carry ids beyond 2^53 as
// strings (and a media id also as a number).
func TestBodiesAreEscapedAsEachPlatformDoes(t *testing.T) {
	reqs, _ := generate(t, demoConfig(t), Options{Seed: 21, Start: wednesday.Add(9 * time.Hour), Rate: 4,
		End: wednesday.Add(13 * time.Hour)})
	var escaped, rawUTF8, bigIDs, numericMedia int
	for _, r := range reqs {
		if r.Method != "POST" || r.Outcome == Unparseable {
			continue
		}
		switch r.Route {
		case "/webhooks/whatsapp", "/webhooks/messenger", "/webhooks/instagram":
			for i := 0; i < len(r.Body); i++ {
				if r.Body[i] >= 0x80 || (r.Body[i] == '/' && (i == 0 || r.Body[i-1] != '\\')) {
					t.Fatalf("Meta body with a raw %q at %d: %s", r.Body[i], i, r.Body)
				}
			}
			if strings.Contains(r.Body, `\u00`) || strings.Contains(r.Body, `\ud83d`) {
				escaped++
			}
		case "/webhooks/x":
			if strings.ContainsFunc(r.Body, func(c rune) bool { return c > 0x7f }) {
				rawUTF8++
			}
			dec := json.NewDecoder(strings.NewReader(r.Body))
			dec.UseNumber()
			var v any
			if err := dec.Decode(&v); err != nil {
				t.Fatal(err)
			}
			bigIDs += countBigStringIDs(v)
			if strings.Contains(r.Body, `"media":{"id":`) && !strings.Contains(r.Body, `"media":{"id":"`) {
				numericMedia++
			}
		}
	}
	if escaped == 0 || rawUTF8 == 0 || bigIDs == 0 || numericMedia == 0 {
		t.Errorf("escaped Meta bodies %d, raw UTF-8 X bodies %d, X ids beyond 2^53 as strings %d, numeric media ids %d",
			escaped, rawUTF8, bigIDs, numericMedia)
	}
}

func countBigStringIDs(v any) int {
	n := 0
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && (k == "id" || strings.HasSuffix(k, "_id")) && len(s) >= 17 {
				n++
			}
			n += countBigStringIDs(x)
		}
	case []any:
		for _, x := range v {
			n += countBigStringIDs(x)
		}
	}
	return n
}

// Without a tenants section everything is tenant "default", signed with
// the top-level secrets; a channel without a secret is left out.
func TestASingleTenantConfigurationIsSimulatedToo(t *testing.T) {
	cfg, err := config.Load("testdata/single.yaml", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	reqs, _ := generate(t, cfg, Options{Seed: 1, Start: wednesday.Add(9 * time.Hour), Rate: 2, End: wednesday.Add(11 * time.Hour)})
	dec := verifyingDecoder(cfg)
	routes := map[string]int{}
	for i := range reqs {
		r := &reqs[i]
		routes[r.Route]++
		if o := decodeRequest(dec, r); o.Status != r.Outcome.Status() || r.Tenant != schemas.DefaultTenant {
			t.Fatalf("request %d (%s, tenant %s): status %d (%s)", i, r.Path, r.Tenant, o.Status, o.Reason)
		}
	}
	if routes["/webhooks/messenger"] != 0 || routes["/webhooks/whatsapp"] == 0 || routes["/v1/events"] == 0 {
		t.Errorf("requests by route: %v", routes)
	}
}

// Bad options are refused before anything is generated.
func TestBadOptionsAreRefused(t *testing.T) {
	cfg := demoConfig(t)
	for _, o := range []Options{
		{},
		{Start: wednesday, Rate: -1},
		{Start: wednesday, End: wednesday},
		{Start: wednesday, Conversations: -2},
	} {
		if _, err := New(cfg, o); err == nil {
			t.Errorf("New accepted %+v", o)
		}
	}
}
