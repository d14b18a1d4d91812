package send

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"iter"
	"math"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/ingest/decode"
	"github.com/floorwatch/floorwatch/schemas"
	"github.com/floorwatch/floorwatch/simulate"
)

func demoConfig(t *testing.T) *config.Config {
	t.Helper()
	cfg, err := config.Load("../../config.yaml", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// ingestServer answers as ingest would, with the real decoder and no
// Kafka: the status for each request, and what it saw.
type ingestServer struct {
	*httptest.Server
	mu       sync.Mutex
	statuses map[int]int
}

func newIngestServer(t *testing.T, cfg *config.Config) *ingestServer {
	dec := decode.NewDecoder(cfg.Directory(), decode.Options{MaxBodyBytes: cfg.Ingest.MaxBodyBytes,
		MaxBatchEvents: cfg.Ingest.MaxBatchEvents, Verify: true})
	s := &ingestServer{statuses: map[int]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		o := dec.Decode(r.Method, r.URL.Path, r.URL.Query(), r.Header, body, time.Now())
		s.mu.Lock()
		s.statuses[o.Status]++
		s.mu.Unlock()
		w.WriteHeader(o.Status)
	}))
	t.Cleanup(s.Close)
	return s
}

func generator(t *testing.T, opts simulate.Options) *simulate.Generator {
	t.Helper()
	g, err := simulate.New(demoConfig(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// A run that starts in the past catches up at the asked rate, in events
// per wall second, and every answer is the one each request was meant
// to get.
func TestACatchUpRunHoldsTheRate(t *testing.T) {
	srv := newIngestServer(t, demoConfig(t))
	g := generator(t, simulate.Options{Seed: 1, Start: time.Now().Add(-6 * time.Hour), Rate: 10})
	s := New(Options{URL: srv.URL, Pace: CatchUp, Rate: 300, Connections: 4})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.Run(ctx, g.All()); err != nil {
		t.Fatal(err)
	}
	st := s.Stats()
	if got := st.WallRate(); math.Abs(got-300)/300 > 0.1 {
		t.Errorf("achieved %.1f events per wall second over %s, want 300 ± 10%%", got, st.Elapsed)
	}
	bad := st.ByOutcome[simulate.BadSignature]
	want := map[int]int{200: st.Requests - bad, 401: bad}
	if st.ByStatus[200] != want[200] || st.ByStatus[401] != want[401] {
		t.Errorf("answers %v for %d requests, want %v", st.ByStatus, st.Requests, want)
	}
	if st.Simulated.After(time.Now()) {
		t.Errorf("simulated time %s ran ahead of the wall clock", st.Simulated)
	}
}

// In real time each request goes out when the wall clock reaches its
// simulated arrival, never before; the requests file records the real
// sending time. Stopping (Ctrl-C) ends the run cleanly.
func TestARealTimeRunNeverRunsAheadOfTheClock(t *testing.T) {
	srv := newIngestServer(t, demoConfig(t))
	g := generator(t, simulate.Options{Seed: 2, Start: time.Now(), Rate: 300})
	var simulated []time.Time
	recorded := func(yield func(simulate.Request) bool) {
		for r := range g.All() {
			simulated = append(simulated, r.ReceivedAt.Time)
			if !yield(r) {
				return
			}
		}
	}
	var file bytes.Buffer
	s := New(Options{URL: srv.URL, Out: &file, Pace: RealTime})
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	if err := s.Run(ctx, iter.Seq[simulate.Request](recorded)); err != nil {
		t.Fatal(err)
	}
	sent := readFile(t, &file)
	if len(sent) < 5 || len(sent) != s.Stats().Requests {
		t.Fatalf("%d requests written, %d counted", len(sent), s.Stats().Requests)
	}
	for i, r := range sent {
		if r.ReceivedAt.Before(simulated[i].Truncate(time.Millisecond)) {
			t.Errorf("request %d sent at %s, before its simulated arrival %s", i, r.ReceivedAt, simulated[i])
		}
		if lag := r.ReceivedAt.Sub(simulated[i]); lag > 2*time.Second {
			t.Errorf("request %d sent %s after its simulated arrival", i, lag)
		}
	}
	var answered int
	for _, n := range s.Stats().ByStatus {
		answered += n
	}
	if answered != len(sent) {
		t.Errorf("%d answers for %d requests", answered, len(sent))
	}
}

// Without a URL the file holds every generated request as generated,
// received_at being the simulated arrival.
func TestAFileOnlyRunWritesEveryRequest(t *testing.T) {
	opts := simulate.Options{Seed: 3, Start: time.Date(2026, 11, 18, 9, 0, 0, 0, time.UTC), Rate: 5,
		End: time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC)}
	var file bytes.Buffer
	if err := New(Options{Out: &file}).Run(context.Background(), generator(t, opts).All()); err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	for r := range generator(t, opts).All() {
		_ = enc.Encode(r.Request)
	}
	if want.Len() == 0 || !bytes.Equal(file.Bytes(), want.Bytes()) {
		t.Errorf("the file differs from the generated requests (%d and %d bytes)", file.Len(), want.Len())
	}
}

// A 503 (ingest could not store the events) is retried, as the platforms
// do; the final answer is counted once.
func TestUnacknowledgedRequestsAreRetried(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1)%2 == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	start := time.Now().Add(-time.Hour)
	g := generator(t, simulate.Options{Seed: 4, Start: start, Rate: 5, End: start.Add(2 * time.Minute)})
	s := New(Options{URL: srv.URL, Connections: 1, RetryPause: time.Millisecond})
	if err := s.Run(context.Background(), g.All()); err != nil {
		t.Fatal(err)
	}
	st := s.Stats()
	if st.ByStatus[200] != st.Requests || st.Retries != st.Requests || st.Requests == 0 {
		t.Errorf("%d requests, answers %v, %d retries; want every request retried once, then 200", st.Requests, st.ByStatus, st.Retries)
	}
}

func readFile(t *testing.T, b *bytes.Buffer) []schemas.Request {
	t.Helper()
	var out []schemas.Request
	sc := bufio.NewScanner(b)
	sc.Buffer(nil, 8<<20)
	for sc.Scan() {
		var r schemas.Request
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}
