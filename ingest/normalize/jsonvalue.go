package normalize

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"time"

	json "github.com/goccy/go-json"

	"github.com/floorwatch/floorwatch/schemas"
)

// flexID is a platform id that may arrive as a JSON string or as a JSON
// integer (Meta app_id, X media ids beyond 2^53). A number keeps its exact
// digits: it is never converted to float64.
type flexID string

func (v *flexID) UnmarshalJSON(b []byte) error {
	switch {
	case bytes.Equal(b, []byte("null")):
		*v = ""
	case len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' && plainString(b[1:len(b)-1]):
		*v = flexID(b[1 : len(b)-1]) // the common case, without a second decoder
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*v = flexID(s)
	case isInteger(b):
		*v = flexID(b)
	default:
		return fmt.Errorf("id is neither a string nor an integer: %.40s", b)
	}
	return nil
}

// plainString reports whether b, a JSON string's contents, is plain
// ASCII without escapes: then it is the string itself.
func plainString(b []byte) bool {
	for _, c := range b {
		if c == '\\' || c == '"' || c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// plainNames reports whether every name in body, valid JSON, is plain
// (plainString) and no object repeats a name, ASCII case ignored as the
// decoder matches names. Decoding a typed tree merges a repeated name into
// what the first one filled, where decoding an item apart keeps the last:
// only bodies with plain names are read in one pass.
func plainNames(body []byte) bool {
	var (
		names      = make([][]byte, 0, 32) // the names of every open object
		starts     = make([]int, 0, 16)    // where each open object's names begin; -1 for an array
		expectName bool
	)
	for i := 0; i < len(body); i++ {
		if !jsonStructural[body[i]] {
			continue
		}
		switch body[i] {
		case '{':
			starts = append(starts, len(names))
			expectName = true
		case '[':
			starts = append(starts, -1)
		case '}', ']':
			if n := len(starts); n > 0 {
				if start := starts[n-1]; start >= 0 {
					names = names[:start]
				}
				starts = starts[:n-1]
			}
			expectName = false
		case ',':
			expectName = len(starts) > 0 && starts[len(starts)-1] >= 0
		case '"':
			end := stringEnd(body, i+1)
			if end < 0 {
				return false
			}
			if expectName {
				name := body[i+1 : end]
				if !plainString(name) {
					return false
				}
				for _, seen := range names[starts[len(starts)-1]:] {
					if len(seen) == len(name) && bytes.EqualFold(seen, name) {
						return false
					}
				}
				names = append(names, name)
				expectName = false
			}
			i = end
		}
	}
	return true
}

// jsonStructural marks the bytes plainNames stops at.
var jsonStructural = [256]bool{'{': true, '}': true, '[': true, ']': true, ',': true, '"': true}

// stringEnd returns the index of the quote that closes the JSON string
// whose contents start at from, or -1.
func stringEnd(body []byte, from int) int {
	for i := from; i < len(body); {
		q := bytes.IndexByte(body[i:], '"')
		if q < 0 {
			return -1
		}
		q += i
		if bytes.IndexByte(body[i:q], '\\') < 0 {
			return q
		}
		for i < q { // escapes before the quote: it may be escaped itself
			if body[i] == '\\' {
				i++
			}
			i++
		}
		if i == q {
			return q
		}
		i = q + 1 // the quote was escaped
	}
	return -1
}

// isInteger reports whether b is a JSON integer literal (digits, no sign).
func isInteger(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// stamp is a Unix timestamp that may arrive as a JSON string ("1749416383",
// WhatsApp and X) or a JSON number (1458692752478, Messenger and Instagram).
type stamp string

func (v *stamp) UnmarshalJSON(b []byte) error {
	var id flexID
	if err := id.UnmarshalJSON(b); err != nil {
		return errors.New("timestamp is neither a string nor an integer")
	}
	*v = stamp(id)
	return nil
}

// Bounds of plausible Unix times: after 2001-09-09 and before 5138 (seconds),
// so that a seconds value is never read as milliseconds or the reverse.
const (
	minSeconds = 1_000_000_000
	maxSeconds = 99_999_999_999
)

// seconds reads s as Unix seconds.
func (s stamp) seconds() (schemas.Time, error) {
	if s == "" {
		return schemas.Time{}, errors.New("no timestamp")
	}
	n, err := strconv.ParseInt(string(s), 10, 64)
	if err != nil || n < minSeconds || n > maxSeconds {
		return schemas.Time{}, fmt.Errorf("timestamp %s is not Unix seconds", quoteShort(string(s)))
	}
	return schemas.At(time.Unix(n, 0)), nil
}

// millis reads s as Unix milliseconds.
func (s stamp) millis() (schemas.Time, error) {
	if s == "" {
		return schemas.Time{}, errors.New("no timestamp")
	}
	n, err := strconv.ParseInt(string(s), 10, 64)
	if err != nil || n < minSeconds*1000 || n > maxSeconds*1000 {
		return schemas.Time{}, fmt.Errorf("timestamp %s is not Unix milliseconds", quoteShort(string(s)))
	}
	return schemas.UnixMilli(n), nil
}

// metaMillis reads a Messenger or Instagram timestamp: milliseconds, except
// that a value too small to be milliseconds is read as seconds (the App
// Dashboard's test deliveries send seconds).
func (s stamp) metaMillis() (schemas.Time, error) {
	if t, err := s.millis(); err == nil {
		return t, nil
	}
	return s.seconds()
}

// decodeItem decodes one item of a batch; its error becomes the reason the
// item was skipped.
func decodeItem(raw json.RawMessage, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("malformed: %s", oneLine(err))
	}
	return nil
}

// eachItem decodes each raw item of a batch into a T and passes it to f;
// a malformed one is skipped as typ with its reason.
func eachItem[T any](c *collector, typ string, raws []json.RawMessage, f func(*T)) {
	for _, raw := range raws {
		var v T
		if err := decodeItem(raw, &v); err != nil {
			c.ignore(typ, "", err.Error())
			continue
		}
		f(&v)
	}
}

// oneLine shortens a decoding error to a reason line.
func oneLine(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field == "" {
			return fmt.Sprintf("item is a JSON %s, not an object", te.Value)
		}
		return fmt.Sprintf("field %s is a JSON %s", te.Field, te.Value)
	}
	s := err.Error()
	if len(s) > 120 {
		s = s[:120] + "..."
	}
	return s
}
