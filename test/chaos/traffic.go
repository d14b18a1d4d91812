package chaos

import (
	"context"
	"io"
	"iter"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
	"github.com/floorwatch/floorwatch/simulate"
)

// Sender posts simulated requests to the ingest instances the way the
// platforms do: each request at its pace, to one instance, and again
// (to the other) after a 503, a 429, or no answer, until it is answered
// 2xx or refused for good, or the run gives up. What it was answered
// goes to the Ledger.
type Sender struct {
	URLs []string
	// Speedup maps simulated time to wall time: a request simulated at s
	// leaves at Began + (s - SimStart) / Speedup.
	Speedup  float64
	SimStart time.Time
	// GiveUp is when retrying stops (the request then counts unanswered).
	GiveUp time.Time
	// PublishTimeout is ingest's; a 503 must come within it.
	PublishTimeout time.Duration
	// Connections bounds the requests in flight (retries included).
	Connections int

	client *http.Client
	ledger Ledger
}

// Ledger is what the Sender was answered. Acknowledged holds each request
// answered 2xx, in the order of the answers, with received_at set to the
// moment the acknowledged attempt was sent.
type Ledger struct {
	mu           sync.Mutex
	Sent         int
	Acknowledged []schemas.Request
	// Final counts the requests by their final answer (0: none by GiveUp).
	Final map[int]int
	// Attempts counts every answer by status (0: no answer).
	Attempts map[int]int
	// Wrong lists requests whose final answer is not the one the
	// generator meant (a good request refused, a forged one accepted).
	Wrong []string
	// Slowest503 is the longest a 503 took to come.
	Slowest503 time.Duration
	// Bodies of the acknowledged requests that ingest should dead-letter
	// are checked through Acknowledged; Requests keeps every sent one.
	Requests []schemas.Request
}

// Run sends reqs until they end or ctx is done, and returns once every
// request sent has its final answer.
func (s *Sender) Run(ctx context.Context, reqs iter.Seq[simulate.Request]) {
	if s.Connections <= 0 {
		s.Connections = 32
	}
	s.client = &http.Client{Timeout: s.PublishTimeout + 10*time.Second, Transport: &http.Transport{
		MaxIdleConnsPerHost: s.Connections, MaxConnsPerHost: s.Connections}}
	s.ledger.Final, s.ledger.Attempts = map[int]int{}, map[int]int{}
	began := time.Now()
	slots := make(chan struct{}, s.Connections)
	var wg sync.WaitGroup
	i := 0
	for r := range reqs {
		due := began.Add(time.Duration(float64(r.ReceivedAt.Sub(s.SimStart)) / s.Speedup))
		if !sleepUntil(ctx, due) {
			break
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		s.ledger.mu.Lock()
		s.ledger.Sent++
		s.ledger.Requests = append(s.ledger.Requests, r.Request)
		s.ledger.mu.Unlock()
		wg.Add(1)
		go func(r simulate.Request, first int) {
			defer wg.Done()
			defer func() { <-slots }()
			s.deliver(r, first)
		}(r, i)
		i++
	}
	wg.Wait()
}

// deliver posts r until its final answer, starting with instance first.
func (s *Sender) deliver(r simulate.Request, first int) {
	want := r.Outcome.Status()
	for attempt := 0; ; attempt++ {
		url := s.URLs[(first+attempt)%len(s.URLs)]
		sent := time.Now()
		status, retryAfter := s.post(url, r.Request)
		took := time.Since(sent)
		s.ledger.mu.Lock()
		s.ledger.Attempts[status]++
		if status == http.StatusServiceUnavailable && took > s.ledger.Slowest503 {
			s.ledger.Slowest503 = took
		}
		final := status >= 200 && status < 300 || status >= 400 && status < 500 && status != http.StatusTooManyRequests
		if final || time.Now().After(s.GiveUp) {
			if !final {
				status = 0
			}
			s.ledger.Final[status]++
			if status >= 200 && status < 300 {
				ack := r.Request
				ack.ReceivedAt = schemas.At(sent)
				s.ledger.Acknowledged = append(s.ledger.Acknowledged, ack)
			}
			if status != want {
				s.ledger.Wrong = append(s.ledger.Wrong, r.Method+" "+r.Path+" ("+r.Outcome.String()+"): "+
					strconv.Itoa(status)+", want "+strconv.Itoa(want))
			}
			s.ledger.mu.Unlock()
			return
		}
		s.ledger.mu.Unlock()
		pause := retryAfter
		if pause <= 0 {
			pause = time.Duration(min(attempt+1, 5)) * 200 * time.Millisecond
		}
		time.Sleep(pause)
	}
}

// post sends one attempt and returns the status (0: no answer) and the
// Retry-After it carried.
func (s *Sender) post(url string, r schemas.Request) (int, time.Duration) {
	var body io.Reader
	if r.Method != http.MethodGet {
		body = strings.NewReader(r.Body)
	}
	req, err := http.NewRequest(r.Method, url+r.Path, body)
	if err != nil {
		return 0, 0
	}
	for k, vs := range r.Headers {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, 0
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	wait, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
	return resp.StatusCode, time.Duration(wait) * time.Second
}

// Ledger returns the ledger; call it after Run returned.
func (s *Sender) Ledger() *Ledger { return &s.ledger }

func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}
