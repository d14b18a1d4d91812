package replay

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/floorwatch/floorwatch/schemas"
)

// Request is one line of a requests file.
type Request struct {
	ReceivedAt schemas.Time `json:"received_at"`
	Method     string       `json:"method"`
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

// http returns the headers in canonical form.
func (h Headers) http() http.Header {
	out := http.Header{}
	for k, vs := range h {
		for _, v := range vs {
			out.Add(k, v)
		}
	}
	return out
}

// parseRequest decodes one line and checks what decoding needs.
func parseRequest(line []byte) (Request, url.Values, string, error) {
	var r Request
	dec := json.NewDecoder(strings.NewReader(string(line)))
	if err := dec.Decode(&r); err != nil {
		return r, nil, "", err
	}
	if r.ReceivedAt.IsZero() {
		return r, nil, "", fmt.Errorf("received_at is required")
	}
	path, rawQuery, _ := strings.Cut(r.Path, "?")
	if r.Method == "" || !strings.HasPrefix(path, "/") {
		return r, nil, "", fmt.Errorf("method and path (starting with /) are required")
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return r, nil, "", fmt.Errorf("query: %w", err)
	}
	return r, q, path, nil
}
