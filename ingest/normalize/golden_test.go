package normalize

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// testReceivedAt is the receive time of every fixture body.
func testReceivedAt() time.Time { return time.Date(2026, 11, 20, 9, 0, 30, 0, time.UTC) }

// Every fixture in testdata/<channel>/<name>.json normalizes to exactly the
// lines of <name>.golden.jsonl: one event per line, then one
// {"ignored":...} line per ignored item.
func TestWebhookFixturesMatchTheirGoldenFiles(t *testing.T) {
	for _, ch := range schemas.Channels {
		files, err := filepath.Glob(filepath.Join("testdata", string(ch), "*.json"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no fixtures for %s: %v", ch, err)
		}
		for _, file := range files {
			name := strings.TrimSuffix(filepath.Base(file), ".json")
			t.Run(string(ch)+"/"+name, func(t *testing.T) {
				body, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				res, err := Webhook(ch, body, testReceivedAt())
				if err != nil {
					t.Fatalf("Webhook: %v", err)
				}
				for i := range res.Events {
					checkEvent(t, ch, &res.Events[i])
				}
				compareGolden(t, strings.TrimSuffix(file, ".json")+".golden.jsonl", renderResult(t, res))
			})
		}
	}
}

// renderResult writes res as the golden lines.
func renderResult(t *testing.T, res Result) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for _, e := range res.Events {
		if err := enc.Encode(e); err != nil {
			t.Fatal(err)
		}
	}
	for _, ig := range res.Ignored {
		if err := enc.Encode(map[string]Ignored{"ignored": ig}); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

// compareGolden checks got against the golden file, or rewrites it with -update.
func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it)\n--- got\n%s--- want\n%s", path, got, want)
	}
}

// checkEvent asserts what every normalized webhook event must hold.
func checkEvent(t *testing.T, ch schemas.Channel, e *schemas.Event) {
	t.Helper()
	switch {
	case e.ID == "" || e.AccountID == "" || e.CustomerID == "":
		t.Errorf("event lacks id, account or customer: %+v", e)
	case e.Channel != ch:
		t.Errorf("event channel %q, want %q", e.Channel, ch)
	case e.OccurredAt.IsZero() || e.ReceivedAt.IsZero():
		t.Errorf("event lacks a time: %+v", e)
	case !validKeyPart(e.AccountID) || !validKeyPart(e.CustomerID):
		t.Errorf("event ids break the conversation key: %+v", e)
	case e.V != schemas.EventVersion || e.Tenant != "":
		t.Errorf("event version or tenant wrong: %+v", e)
	}
	switch e.Kind {
	case schemas.KindCustomerMessage, schemas.KindBusinessMessage, schemas.KindDelivery,
		schemas.KindRead, schemas.KindReaction:
	default:
		t.Errorf("event kind %q is not a conversation kind", e.Kind)
	}
	if _, err := json.Marshal(e); err != nil {
		t.Errorf("event does not marshal: %v", err)
	}
}
