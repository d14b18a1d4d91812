package replay

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/processors/indicators"
	"github.com/floorwatch/floorwatch/schemas"
)

var update = flag.Bool("update", false, "rewrite the golden reports")

// Every directory of testdata is one rule of SPEC 3 told as recorded
// requests (WhatsApp webhooks in their real format, platform event
// batches), the replay flags in "args", and the expected report. Each
// expected number is worked out in docs/indicators.md.
func TestEveryScenarioGivesItsReport(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/*/args")
	if len(dirs) == 0 {
		t.Fatal("no scenarios")
	}
	for _, argsFile := range dirs {
		dir := filepath.Dir(argsFile)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			got := runScenario(t, dir)
			golden := filepath.Join(dir, "report.golden.json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("report differs from %s:\n%s", golden, got)
			}
		})
	}
}

func runScenario(t *testing.T, dir string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "args"))
	if err != nil {
		t.Fatal(err)
	}
	opts, cfgPath := parseArgs(t, strings.Fields(string(raw)))
	cfg := loadConfig(t, cfgPath)
	f, err := os.Open(filepath.Join(dir, "requests.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	report, _, err := Run(f, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.MarshalIndent(report, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

// parseArgs reads the replay flags of a scenario (paths relative to testdata).
func parseArgs(t *testing.T, args []string) (Options, string) {
	t.Helper()
	opts := Options{Verify: true}
	cfgPath := ""
	for i := 0; i < len(args); i++ {
		next := func() string { i++; return args[i] }
		switch args[i] {
		case "--no-verify":
			opts.Verify = false
		case "--config":
			cfgPath = filepath.Join("testdata", next())
		case "--from":
			opts.From = mustTime(t, next()).Time
		case "--to":
			opts.To = mustTime(t, next()).Time
		case "--by":
			dims, err := indicators.ParseDims(next())
			if err != nil {
				t.Fatal(err)
			}
			opts.By = dims
		default:
			t.Fatalf("unknown arg %q", args[i])
		}
	}
	return opts, cfgPath
}

func mustTime(t *testing.T, s string) (v schemas.Time) {
	t.Helper()
	v, err := schemas.ParseTime(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func loadConfig(t *testing.T, path string) *config.Config {
	t.Helper()
	cfg, err := config.Load(path, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestForgedRequestsAreRejectedAndCountNothing(t *testing.T) {
	f, _ := os.Open("testdata/forged_requests/requests.jsonl")
	defer f.Close()
	opts, cfg := parseArgs(t, []string{"--config", "config.yaml", "--from", "2026-11-18T09:00:00Z", "--to", "2026-11-18T10:00:00Z"})
	report, st, err := Run(f, loadConfig(t, cfg), opts)
	if err != nil {
		t.Fatal(err)
	}
	if st.Requests != 2 || total(st.Refused) != 2 || st.Events != 0 || report.Segments[0].Total != 0 {
		t.Errorf("stats %+v, total %d: want both requests refused and nothing counted", st, report.Segments[0].Total)
	}
	want := "replay: 2 requests: 0 accepted, 0 accepted with a dead letter, 2 refused (401 bad_api_key 1, 401 bad_signature 1); " +
		"0 events (0 clamped to their arrival): 0 used, 0 ignored, 0 at or after --to"
	if got := st.Summary(); got != want {
		t.Errorf("summary\n%s\nwant\n%s", got, want)
	}
}

func TestTheSummaryCountsBodiesDeadLetteredForUnknownAccounts(t *testing.T) {
	// Two WhatsApp bodies of accounts no tenant lists, one of a known
	// account: all three are answered 200, and the summary says why two of
	// them went to the dead letters.
	cfg := loadConfig(t, filepath.Join("testdata", "config.yaml"))
	known, err := os.ReadFile("testdata/first_response/requests.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	line := strings.SplitN(string(known), "\n", 2)[0]
	var req schemas.Request
	if err := json.Unmarshal([]byte(line), &req); err != nil {
		t.Fatal(err)
	}
	var in strings.Builder
	in.WriteString(line + "\n")
	for _, account := range []string{"999000000000001", "999000000000002"} {
		r := req
		r.Body = strings.Replace(req.Body, `"phone_number_id":"106540352242922"`, `"phone_number_id":"`+account+`"`, 1)
		b, _ := json.Marshal(r)
		in.Write(append(b, '\n'))
	}
	opts, _ := parseArgs(t, []string{"--no-verify", "--from", "2026-11-18T00:00:00Z", "--to", "2026-11-19T00:00:00Z"})
	_, st, err := Run(strings.NewReader(in.String()), cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	if st.Accepted != 1 || st.DeadLettered["unknown_account"] != 2 || !strings.Contains(st.Summary(), "2 accepted with a dead letter (unknown_account 2)") {
		t.Fatalf("summary %q, want 1 accepted and 2 dead-lettered for unknown accounts", st.Summary())
	}
}

func TestAMalformedLineNamesItsNumber(t *testing.T) {
	in := strings.NewReader(`{"received_at":"2026-11-18T09:00:00Z","method":"POST","path":"/v1/events","headers":{},"body":"{\"events\":[]}"}` + "\nnot json\n")
	_, _, err := Run(in, loadConfig(t, ""), Options{From: mustTime(t, "2026-11-18T09:00:00Z").Time, To: mustTime(t, "2026-11-18T10:00:00Z").Time})
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("err = %v, want one naming line 2", err)
	}
}
