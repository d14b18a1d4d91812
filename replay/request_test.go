package replay

import (
	"testing"
)

func TestHeadersAreStringsOrLists(t *testing.T) {
	r, q, path, err := parseRequest([]byte(`{"received_at":"2026-11-18T09:00:00Z","method":"GET","path":"/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=42","headers":{"x-a":"1","X-B":["2","3"]},"body":""}`))
	if err != nil {
		t.Fatal(err)
	}
	h := r.Headers.HTTP()
	if path != "/webhooks/whatsapp" || q.Get("hub.challenge") != "42" || h.Get("X-A") != "1" || len(h.Values("X-B")) != 2 {
		t.Errorf("path %q query %v headers %v", path, q, h)
	}
}

func TestARequestNeedsMethodPathAndTime(t *testing.T) {
	for _, line := range []string{
		`{"method":"POST","path":"/v1/events"}`,
		`{"received_at":"2026-11-18T09:00:00Z","path":"/v1/events"}`,
		`{"received_at":"2026-11-18T09:00:00Z","method":"POST","path":"/v1/events","headers":{"a":1}}`,
		`[1,2]`,
	} {
		if _, _, _, err := parseRequest([]byte(line)); err == nil {
			t.Errorf("accepted %s", line)
		}
	}
}

func FuzzParseRequest(f *testing.F) {
	f.Add([]byte(`{"received_at":"2026-11-18T09:00:00Z","method":"POST","path":"/v1/events?a=b","headers":{"A":["1"]},"body":"{}"}`))
	f.Add([]byte(`{"headers":{"A":"1"}}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		r, q, path, err := parseRequest(line)
		if err != nil {
			return
		}
		if r.Method == "" || path == "" || q == nil || r.ReceivedAt.IsZero() {
			t.Fatalf("accepted an incomplete request: %+v", r)
		}
		_ = r.Headers.HTTP()
	})
}
