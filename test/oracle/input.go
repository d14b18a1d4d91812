package oracle

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/ingest/decode"
	"github.com/floorwatch/floorwatch/schemas"
)

// Decoded is what ingest would publish for a list of requests.
type Decoded struct {
	// Events are the events of every request answered 200, in request
	// order: what ingest published.
	Events []schemas.Event
	// Requests counts the requests by the status ingest answers.
	Requests map[int]int
}

// Decode decodes requests exactly as ingest does, with cfg's limits,
// signatures and API keys: decoding is shared with ingest on purpose (it
// is not what the oracle checks), and each request is decoded at its own
// received_at, as ingest stamps its events.
func Decode(cfg *config.Config, requests []schemas.Request) Decoded {
	d := decode.NewDecoder(cfg.Directory(), decode.Options{MaxBodyBytes: cfg.Ingest.MaxBodyBytes,
		MaxBatchEvents: cfg.Ingest.MaxBatchEvents, MaxFutureSkew: cfg.Ingest.MaxFutureSkew, Verify: true})
	out := Decoded{Requests: map[int]int{}}
	for _, r := range requests {
		path, rawQuery, _ := strings.Cut(r.Path, "?")
		q, _ := url.ParseQuery(rawQuery)
		o := d.Decode(r.Method, path, q, r.Headers.HTTP(), []byte(r.Body), r.ReceivedAt.Time)
		out.Requests[o.Status]++
		if o.Status == http.StatusOK {
			out.Events = append(out.Events, o.Events...)
		}
	}
	return out
}
