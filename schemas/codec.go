package schemas

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// The codec of the records ingest writes: every stage encodes and decodes
// Events and DeadLetters through these functions, so the wire format is
// chosen in one place. The format is JSON (docs/ingest.md gives the
// measurements behind the choice); fields are only ever added, and a reader
// refuses a record whose version is newer than it knows.

// MarshalEvent encodes e as a record value.
func MarshalEvent(e *Event) ([]byte, error) {
	return e.AppendJSON(make([]byte, 0, 512)), nil // what json.Marshal writes, without reflection
}

// UnmarshalEvent decodes a record value written by MarshalEvent. It fails
// on malformed JSON and on a version that is missing or newer than
// EventVersion.
func UnmarshalEvent(b []byte) (Event, error) {
	var e Event
	if err := decodeEventJSON(b, &e); err != nil {
		return Event{}, fmt.Errorf("decode event: %w", err)
	}
	if e.V < 1 || e.V > EventVersion {
		return Event{}, fmt.Errorf("decode event %s: version %d, this build reads 1 to %d", e.ID, e.V, EventVersion)
	}
	return e, nil
}

// DeadLetterVersion is the version of the DeadLetter record written by this build.
const DeadLetterVersion = 1

// deadLetterWire is a DeadLetter on the wire. JSON strings hold only
// UTF-8, so a body that is not valid UTF-8 travels base64-encoded in
// body_base64 (and body is empty): every byte of a signed body survives.
type deadLetterWire struct {
	DeadLetter
	BodyBase64 string `json:"body_base64,omitempty"`
}

// MarshalDeadLetter encodes d as a record value, keeping Body byte for byte.
func MarshalDeadLetter(d *DeadLetter) ([]byte, error) {
	w := deadLetterWire{DeadLetter: *d}
	if !utf8.ValidString(d.Body) {
		w.Body, w.BodyBase64 = "", base64.StdEncoding.EncodeToString([]byte(d.Body))
	}
	b, err := json.Marshal(&w)
	if err != nil {
		return nil, fmt.Errorf("encode dead letter from %s: %w", d.Source, err)
	}
	return b, nil
}

// UnmarshalDeadLetter decodes a record value written by MarshalDeadLetter.
func UnmarshalDeadLetter(b []byte) (DeadLetter, error) {
	var w deadLetterWire
	if err := json.Unmarshal(b, &w); err != nil {
		return DeadLetter{}, fmt.Errorf("decode dead letter: %w", err)
	}
	d := w.DeadLetter
	if w.BodyBase64 != "" {
		raw, err := base64.StdEncoding.DecodeString(w.BodyBase64)
		if err != nil {
			return DeadLetter{}, fmt.Errorf("decode dead letter body: %w", err)
		}
		d.Body = string(raw)
	}
	if d.V < 1 || d.V > DeadLetterVersion {
		return DeadLetter{}, fmt.Errorf("decode dead letter: version %d, this build reads 1 to %d", d.V, DeadLetterVersion)
	}
	return d, nil
}
