package schemas

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Request is one recorded HTTP request, a line of a requests file (SPEC 5):
// what `floorwatch simulate --out` writes and `floorwatch replay` reads.
type Request struct {
	ReceivedAt Time   `json:"received_at"`
	Method     string `json:"method"`
	// Path may carry a query string ("/webhooks/whatsapp?hub.mode=...").
	Path    string  `json:"path"`
	Headers Headers `json:"headers"`
	Body    string  `json:"body"` // the raw body, bytes as received
}

// Headers accepts each header as a string or a list of strings.
type Headers map[string][]string

// UnmarshalJSON reads {"Name": "value"} or {"Name": ["v1", "v2"]}.
func (h *Headers) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*h = Headers{}
	for k, v := range raw {
		var one string
		if err := json.Unmarshal(v, &one); err == nil {
			(*h)[k] = []string{one}
			continue
		}
		var many []string
		if err := json.Unmarshal(v, &many); err != nil {
			return fmt.Errorf("header %q: want a string or a list of strings", k)
		}
		(*h)[k] = many
	}
	return nil
}

// HTTP returns the headers in canonical form.
func (h Headers) HTTP() http.Header {
	out := http.Header{}
	for k, vs := range h {
		for _, v := range vs {
			out.Add(k, v)
		}
	}
	return out
}
