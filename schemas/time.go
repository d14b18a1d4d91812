package schemas

import (
	"fmt"
	"time"
)

// TimeLayout is how every timestamp is written: RFC 3339, UTC, milliseconds.
const TimeLayout = "2006-01-02T15:04:05.000Z"

// Time is an instant with millisecond precision, written in TimeLayout.
// The zero Time is written as null.
type Time struct{ time.Time }

// At truncates t to the millisecond, in UTC.
func At(t time.Time) Time { return Time{t.Truncate(time.Millisecond).UTC()} }

// UnixMilli returns the Time of ms milliseconds since the Unix epoch.
func UnixMilli(ms int64) Time { return Time{time.UnixMilli(ms).UTC()} }

// String formats t in TimeLayout, or "" when zero.
func (t Time) String() string {
	var a [32]byte // on the stack: one allocation, the string's
	return string(t.AppendTo(a[:0]))
}

// AppendTo appends t.String() to b.
func (t Time) AppendTo(b []byte) []byte {
	if t.IsZero() {
		return b
	}
	return t.UTC().AppendFormat(b, TimeLayout)
}

// MarshalJSON writes t in TimeLayout, or null when zero.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	b := make([]byte, 0, len(TimeLayout)+2)
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, TimeLayout)
	return append(b, '"'), nil
}

// UnmarshalJSON reads any RFC 3339 time, or null.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*t = Time{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("time must be an RFC 3339 string, got %s", b)
	}
	v, err := ParseTime(string(b[1 : len(b)-1]))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// ParseTime parses an RFC 3339 time (with or without fractional seconds).
func ParseTime(s string) (Time, error) {
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return Time{}, fmt.Errorf("not an RFC 3339 time: %q", s)
	}
	return At(v), nil
}
