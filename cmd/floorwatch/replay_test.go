package main

import (
	"os"
	"strings"
	"testing"
)

const scenarios = "../../replay/testdata/"

func TestReplayPrintsTheReportOfAScenario(t *testing.T) {
	want, err := os.ReadFile(scenarios + "signed_requests/report.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "", "replay", "--requests", scenarios+"signed_requests/requests.jsonl",
		"--config", scenarios+"config.yaml", "--from", "2026-11-18T09:00:00Z", "--to", "2026-11-18T10:00:00Z")
	if code != 0 || stdout != string(want) {
		t.Errorf("exit %d, stderr %q, stdout:\n%s", code, stderr, stdout)
	}
	if !strings.Contains(stderr, "replay: 4 requests: 4 accepted, 0 accepted with a dead letter, 0 refused; 4 events") {
		t.Errorf("summary line: %q", stderr)
	}
}

func TestReplayRefusesBadFlagsWithStatusTwo(t *testing.T) {
	cases := [][]string{
		{"replay", "--from", "2026-11-18T09:00:00Z", "--to", "2026-11-18T10:00:00Z"},
		{"replay", "--requests", "x", "--from", "yesterday", "--to", "2026-11-18T10:00:00Z"},
		{"replay", "--requests", "x", "--from", "2026-11-18T10:00:00Z", "--to", "2026-11-18T09:00:00Z"},
		{"replay", "--requests", "x", "--from", "2026-11-18T09:00:00Z", "--to", "2026-11-18T10:00:00Z", "--by", "queue"},
		{"replay", "--requests", "does-not-exist", "--from", "2026-11-18T09:00:00Z", "--to", "2026-11-18T10:00:00Z"},
	}
	for _, args := range cases {
		if code, _, stderr := runCLI(t, "", args...); code != 2 || strings.Count(stderr, "\n") < 1 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a reason", args, code, stderr)
		}
	}
}

func TestReplayReadsStdinWithoutAConfigFile(t *testing.T) {
	line := `{"received_at":"2026-11-18T09:00:00Z","method":"POST","path":"/v1/events","headers":{},` +
		`"body":"{\"events\":[{\"id\":\"e1\",\"type\":\"conversation.routed\",\"occurred_at\":\"2026-11-18T09:00:00Z\",` +
		`\"conversation\":{\"channel\":\"x\",\"account_id\":\"1\",\"customer_id\":\"2\"},\"team\":\"sales\"}]}"}`
	code, stdout, stderr := runCLI(t, line+"\n", "replay", "--requests", "-", "--no-verify",
		"--from", "2026-11-18T09:00:00Z", "--to", "2026-11-18T10:00:00Z", "--by", "channel")
	if code != 0 || !strings.Contains(stdout, `"channel": "x"`) || !strings.Contains(stdout, `"queued": 1`) {
		t.Errorf("exit %d, stderr %q, stdout:\n%s", code, stderr, stdout)
	}
}
