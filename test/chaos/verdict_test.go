package chaos

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func decoded(ids ...EventID) Decoded {
	d := Decoded{Events: map[EventID]bool{}, DeadLetters: map[string]bool{}}
	for _, id := range ids {
		d.Events[id] = true
	}
	return d
}

func TestTheProofByIDCountsLostDuplicatedAndUnexpectedEvents(t *testing.T) {
	a := EventID{"acme", "whatsapp", "1", "c1", "customer_message", "wamid.1"}
	b := EventID{"acme", "whatsapp", "1", "c1", "read", "wamid.1"} // same id, another kind
	c := EventID{"globex", "", "", "", "operator.status", "ev-3"}
	unacked := EventID{"acme", "x", "9", "c9", "customer_message", "dm-9"}
	forged := EventID{"globex", "messenger", "2", "c2", "customer_message", "m-2"}
	acked, sent := decoded(a, b, c), decoded(a, b, c, unacked)
	cases := []struct {
		name    string
		stored  map[EventID]int
		want    EventVerdict
		samples []string
	}{
		{"all stored once", map[EventID]int{a: 1, b: 1, c: 1}, EventVerdict{Acknowledged: 3, Stored: 3}, nil},
		{"a request never acknowledged may be stored", map[EventID]int{a: 1, b: 1, c: 1, unacked: 1},
			EventVerdict{Acknowledged: 3, Stored: 3}, nil},
		{"one lost", map[EventID]int{a: 1, c: 1}, EventVerdict{Acknowledged: 3, Stored: 2, Lost: 1}, []string{"lost: " + b.String()}},
		{"one stored twice", map[EventID]int{a: 1, b: 2, c: 1}, EventVerdict{Acknowledged: 3, Stored: 3, Duplicated: 1},
			[]string{"stored 2 times: " + b.String()}},
		{"one stored never sent", map[EventID]int{a: 1, b: 1, c: 1, forged: 1}, EventVerdict{Acknowledged: 3, Stored: 3, Unexpected: 1},
			[]string{"stored but never sent: " + forged.String()}},
	}
	for _, tc := range cases {
		got := CompareEvents(acked, sent, tc.stored, nil)
		samples := got.Samples
		got.Samples = nil
		if !reflect.DeepEqual(got, tc.want) || strings.Join(samples, "\n") != strings.Join(tc.samples, "\n") {
			t.Errorf("%s: got %+v %q, want %+v %q", tc.name, got, samples, tc.want, tc.samples)
		}
		if ok := tc.want.Lost+tc.want.Duplicated+tc.want.Unexpected == 0; got.OK() != ok {
			t.Errorf("%s: OK() = %v, want %v", tc.name, got.OK(), ok)
		}
	}
	if (EventVerdict{}).OK() {
		t.Error("a run with nothing acknowledged passed")
	}
}

func TestTheProofChecksDeadLetters(t *testing.T) {
	acked := decoded()
	acked.DeadLetters["{not json"] = true
	acked.DeadLetters[`{"object":"page"`] = true
	got := CompareEvents(acked, acked, nil, map[string]bool{"{not json": true})
	if got.DeadLetters != 2 || got.DeadLettersLost != 1 {
		t.Errorf("dead letters %d, lost %d; want 2 and 1", got.DeadLetters, got.DeadLettersLost)
	}
}

func TestScanLogsFindsCrashesAndSecretsWithoutPrintingThem(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ingest-1.log")
	log := "time=… level=INFO msg=\"ingest listening\"\n" +
		"time=… level=INFO msg=\"request refused\" status=401\n" +
		"time=… level=WARN msg=x auth=\"Bearer dev-acme-api-key\"\n" +
		"panic: runtime error: index out of range [3] with length 3\n" +
		"fatal error: concurrent map writes\n"
	if err := os.WriteFile(path, []byte(log), 0o600); err != nil {
		t.Fatal(err)
	}
	crashes, leaks, lines, err := ScanLogs([]string{path}, []string{"dev-globex-api-key", "dev-acme-api-key"})
	if err != nil {
		t.Fatal(err)
	}
	if lines != 5 || len(crashes) != 2 || len(leaks) != 1 {
		t.Fatalf("lines %d, crashes %q, leaks %q; want 5, 2 and 1", lines, crashes, leaks)
	}
	if !strings.HasSuffix(leaks[0], ":3: configured secret #2") || strings.Contains(leaks[0], "dev-acme") {
		t.Errorf("leak reported as %q, want its place and index only", leaks[0])
	}
}
