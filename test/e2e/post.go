package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/floorwatch/floorwatch/schemas"
)

// Post sends reqs, in order, to the ingest at base (e.g.
// "http://127.0.0.1:8080") and returns how many got each status. A
// transport error stops it; a non-200 answer does not.
func Post(ctx context.Context, c *http.Client, base string, reqs []schemas.Request) (map[int]int, error) {
	statuses := map[int]int{}
	for i, r := range reqs {
		req, err := http.NewRequestWithContext(ctx, r.Method, strings.TrimRight(base, "/")+r.Path, strings.NewReader(r.Body))
		if err != nil {
			return statuses, fmt.Errorf("request %d: %w", i+1, err)
		}
		for k, vs := range r.Headers {
			for _, v := range vs {
				req.Header.Add(k, v)
			}
		}
		resp, err := c.Do(req)
		if err != nil {
			return statuses, fmt.Errorf("request %d: %w", i+1, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		statuses[resp.StatusCode]++
	}
	return statuses, nil
}
