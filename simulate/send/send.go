package send

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"iter"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
	"github.com/floorwatch/floorwatch/simulate"
)

// Pace says when each request goes out.
type Pace uint8

const (
	// AsFast: no waiting (a requests file only, or a load test).
	AsFast Pace = iota
	// RealTime: each request when the wall clock reaches its simulated
	// arrival, so simulated time never runs ahead of wall time.
	RealTime
	// CatchUp: simulated time is in the past; requests go out at Rate
	// events per wall second until one would arrive after now.
	CatchUp
)

// Options configure a Sender.
type Options struct {
	// URL is the ingest base URL ("http://127.0.0.1:8080"); the request's
	// path is appended. Empty: nothing is posted.
	URL string
	// Out, when set, receives the requests file: one JSON line
	// (schemas.Request) per request. With URL, received_at is the moment
	// the request was actually sent.
	Out io.Writer
	// Connections bounds the requests in flight (default 8).
	Connections int
	Pace        Pace
	// Rate is the CatchUp pace, in events per wall second.
	Rate float64
	// Client posts the requests (default: a client with Connections
	// connections per host and a 30-second timeout).
	Client *http.Client
	// RetryPause is the pause before the first retry of a request ingest
	// did not acknowledge, when it gives no Retry-After (default 250ms);
	// each further retry waits one more pause.
	RetryPause time.Duration
}

// Sender delivers one run. Stats may be called from any goroutine while
// Run works; Run is called once.
type Sender struct {
	opts Options
	mu   sync.Mutex
	st   Stats
}

// Stats is what a run delivered so far.
type Stats struct {
	// Counters count the requests handed out (posted or written): by
	// intended outcome, route and kind, with the events they carry.
	simulate.Counters
	// ByStatus counts the answers by HTTP status; 0 counts requests that
	// got none (connection refused, timeout) after the retries.
	ByStatus map[int]int
	Retries  int
	// Simulated is the simulated arrival of the last request handed out.
	Simulated time.Time
	// Began is when Run started; Elapsed the wall time since.
	Began   time.Time
	Elapsed time.Duration
	// ReachedPresent: a CatchUp run stopped because it caught up with now.
	ReachedPresent bool
}

// WallRate is the achieved rate: events per wall second.
func (s Stats) WallRate() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Events) / s.Elapsed.Seconds()
}

// New returns a Sender for opts.
func New(opts Options) *Sender {
	if opts.Connections <= 0 {
		opts.Connections = 8
	}
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			MaxConnsPerHost: opts.Connections, MaxIdleConnsPerHost: opts.Connections}}
	}
	if opts.RetryPause <= 0 {
		opts.RetryPause = 250 * time.Millisecond
	}
	opts.URL = strings.TrimRight(opts.URL, "/")
	return &Sender{opts: opts, st: Stats{Counters: simulate.NewCounters(), ByStatus: map[int]int{}}}
}

// Stats returns a copy of what was delivered so far.
func (s *Sender) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.st
	out.Counters = s.st.Counters.Clone()
	out.ByStatus = make(map[int]int, len(s.st.ByStatus))
	for k, v := range s.st.ByStatus {
		out.ByStatus[k] = v
	}
	if !out.Began.IsZero() {
		out.Elapsed = time.Since(out.Began)
	}
	return out
}

// errPresent stops a CatchUp run that caught up with the wall clock.
var errPresent = errors.New("caught up with the present")

// Run delivers reqs until they end, ctx is done (Ctrl-C), or a CatchUp
// run reaches the present; requests in flight are then waited for, and
// the requests file is flushed. A non-200 answer or a network failure is
// counted, not returned; the error is the requests file's.
func (s *Sender) Run(ctx context.Context, reqs iter.Seq[simulate.Request]) error {
	s.mu.Lock()
	s.st.Began = time.Now()
	s.mu.Unlock()
	var out *bufio.Writer
	var enc *json.Encoder
	if s.opts.Out != nil {
		out = bufio.NewWriterSize(s.opts.Out, 1<<16)
		enc = json.NewEncoder(out)
		enc.SetEscapeHTML(false)
	}
	slots := make(chan struct{}, s.opts.Connections)
	var inFlight sync.WaitGroup
	var err error
	pace := pacer{pace: s.opts.Pace, rate: s.opts.Rate, began: s.st.Began}
	for r := range reqs {
		if err = pace.wait(ctx, &r); err != nil {
			break
		}
		if s.opts.URL != "" {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				err = ctx.Err()
			}
			if err != nil {
				break
			}
			r.ReceivedAt = schemas.At(time.Now()) // the real arrival
		}
		if enc != nil {
			if err = enc.Encode(r.Request); err != nil {
				break
			}
		}
		s.handedOut(&r, pace.simulated)
		if s.opts.URL != "" {
			inFlight.Add(1)
			go func() {
				defer inFlight.Done()
				status, retries := s.post(ctx, r.Request)
				<-slots
				s.answered(status, retries)
			}()
		}
	}
	inFlight.Wait()
	if errors.Is(err, errPresent) {
		s.mu.Lock()
		s.st.ReachedPresent = true
		s.mu.Unlock()
		err = nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		err = nil // stopped on purpose: what was sent stays counted
	}
	if out != nil {
		if ferr := out.Flush(); err == nil {
			err = ferr
		}
	}
	return err
}

func (s *Sender) handedOut(r *simulate.Request, simulated time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.Add(r)
	s.st.Simulated = simulated
}

func (s *Sender) answered(status, retries int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.ByStatus[status]++
	s.st.Retries += retries
}
