package schemas

import (
	"encoding/json"
	"fmt"
)

// The codec of the records ingest writes: every stage encodes and decodes
// Events and DeadLetters through these functions, so the wire format is
// chosen in one place. The format is JSON (docs/ingest.md gives the
// measurements behind the choice); fields are only ever added, and a reader
// refuses a record whose version is newer than it knows.

// MarshalEvent encodes e as a record value.
func MarshalEvent(e *Event) ([]byte, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encode event %s: %w", e.ID, err)
	}
	return b, nil
}

// UnmarshalEvent decodes a record value written by MarshalEvent. It fails
// on malformed JSON and on a version that is missing or newer than
// EventVersion.
func UnmarshalEvent(b []byte) (Event, error) {
	var e Event
	if err := json.Unmarshal(b, &e); err != nil {
		return Event{}, fmt.Errorf("decode event: %w", err)
	}
	if e.V < 1 || e.V > EventVersion {
		return Event{}, fmt.Errorf("decode event %s: version %d, this build reads 1 to %d", e.ID, e.V, EventVersion)
	}
	return e, nil
}

// DeadLetterVersion is the version of the DeadLetter record written by this build.
const DeadLetterVersion = 1

// MarshalDeadLetter encodes d as a record value.
func MarshalDeadLetter(d *DeadLetter) ([]byte, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encode dead letter from %s: %w", d.Source, err)
	}
	return b, nil
}

// UnmarshalDeadLetter decodes a record value written by MarshalDeadLetter.
func UnmarshalDeadLetter(b []byte) (DeadLetter, error) {
	var d DeadLetter
	if err := json.Unmarshal(b, &d); err != nil {
		return DeadLetter{}, fmt.Errorf("decode dead letter: %w", err)
	}
	if d.V < 1 || d.V > DeadLetterVersion {
		return DeadLetter{}, fmt.Errorf("decode dead letter: version %d, this build reads 1 to %d", d.V, DeadLetterVersion)
	}
	return d, nil
}
