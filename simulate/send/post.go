package send

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// maxAttempts bounds the tries of one request. A platform retries what
// ingest did not acknowledge (503, no answer); so does the simulator, a
// few times, after Retry-After or a growing pause.
const maxAttempts = 3

// post sends r and returns the final status (0: no answer) and how many
// times it was retried. Once ctx is done (the run stops), a request in
// flight finishes but is not retried.
func (s *Sender) post(ctx context.Context, r schemas.Request) (status, retries int) {
	for attempt := 1; ; attempt++ {
		var wait time.Duration
		status, wait = s.postOnce(r)
		if (status != 0 && status != http.StatusServiceUnavailable) || attempt == maxAttempts {
			return status, attempt - 1
		}
		if wait <= 0 {
			wait = time.Duration(attempt) * s.opts.RetryPause
		}
		if sleepUntil(ctx, time.Now().Add(wait)) != nil {
			return status, attempt - 1
		}
	}
}

func (s *Sender) postOnce(r schemas.Request) (int, time.Duration) {
	var body io.Reader
	if r.Method != http.MethodGet {
		body = strings.NewReader(r.Body)
	}
	req, err := http.NewRequest(r.Method, s.opts.URL+r.Path, body)
	if err != nil {
		return 0, 0
	}
	for k, vs := range r.Headers {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := s.opts.Client.Do(req)
	if err != nil {
		return 0, 0
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	wait, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
	return resp.StatusCode, time.Duration(wait) * time.Second
}
