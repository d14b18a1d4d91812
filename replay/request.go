package replay

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/floorwatch/floorwatch/schemas"
)

// Request is one line of a requests file.
type Request = schemas.Request

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
