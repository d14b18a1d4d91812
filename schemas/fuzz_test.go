package schemas

import (
	"reflect"
	"testing"
)

// FuzzUnmarshalDeadLetter: decoding never panics, and what decodes
// re-encodes to something that decodes to the same dead letter, body byte
// for byte (a body that is not UTF-8 travels as base64).
func FuzzUnmarshalDeadLetter(f *testing.F) {
	d := DeadLetter{V: DeadLetterVersion, Stage: "ingest", Reason: "unparseable", Source: "/webhooks/whatsapp",
		Body: "\xff\xfe{", Headers: map[string]string{"X-Hub-Signature-256": "sha256=00"}}
	b, _ := MarshalDeadLetter(&d)
	f.Add(b)
	f.Add([]byte(`{"v":1,"body":"x","body_base64":"eA=="}`))
	f.Add([]byte(`{"v":1,"body_base64":"!!"}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		d, err := UnmarshalDeadLetter(in)
		if err != nil {
			return
		}
		out, err := MarshalDeadLetter(&d)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		again, err := UnmarshalDeadLetter(out)
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		// No headers may come back as an empty map or none.
		if len(d.Headers) == 0 && len(again.Headers) == 0 {
			d.Headers, again.Headers = nil, nil
		}
		if !reflect.DeepEqual(again, d) {
			t.Fatalf("re-decoded %+v; want %+v", again, d)
		}
	})
}

// FuzzParseConversationKey: a record key parses only when it has four
// parts, and a parsed key prints back to the same record key.
func FuzzParseConversationKey(f *testing.F) {
	f.Add("acme|whatsapp|106540352242922|16505551234")
	f.Add("a|b|c")
	f.Add("|||")
	f.Fuzz(func(t *testing.T, s string) {
		k, ok := ParseConversationKey(s)
		if !ok {
			return
		}
		if string(k.AppendTo([]byte("x"))) != "x"+k.String() {
			t.Fatalf("%+v appends %q, prints %q", k, k.AppendTo(nil), k.String())
		}
		if k.String() != s {
			t.Fatalf("%q parsed to %+v, which prints %q", s, k, k.String())
		}
	})
}

// FuzzParseTime: a time that parses prints as RFC 3339 with milliseconds
// in UTC, and that form parses back to the same instant.
func FuzzParseTime(f *testing.F) {
	f.Add("2026-11-20T09:00:05.123Z")
	f.Add("2026-11-20T10:00:05+01:00")
	f.Add("+275760-09-13T00:00:00Z")
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := ParseTime(s)
		if err != nil {
			return
		}
		again, err := ParseTime(tm.String())
		if err != nil {
			t.Fatalf("%q parsed, but its printed form %q does not: %v", s, tm.String(), err)
		}
		if !again.Equal(tm.Truncate(1e6)) {
			t.Fatalf("%q → %q → %v, want %v", s, tm.String(), again, tm)
		}
	})
}
