package normalize

import (
	"bytes"
	"errors"
	"fmt"
	json "github.com/goccy/go-json"
	"strconv"
	"time"

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
