package prometheus

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/floorwatch/floorwatch/internal/testenv"
)

// tool returns the path of promtool or prometheus (Debian's package
// prometheus; scripts/test installs it). Missing, the test skips, or fails
// with FLOORWATCH_REQUIRE_SERVICES=1 (CI).
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		msg := name + " not found: apt-get install prometheus (scripts/test test installs it)"
		if testenv.RequireServices() {
			t.Fatal(msg + "; " + testenv.EnvRequireServices + "=1 forbids skipping")
		}
		t.Skip(msg)
	}
	return p
}

func runTool(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(tool(t, name), args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func TestAlertRulesPassPromtoolCheck(t *testing.T) {
	out := runTool(t, ".", "promtool", "check", "rules", "alerts.yaml")
	if !strings.Contains(out, "SUCCESS") {
		t.Errorf("promtool check rules:\n%s", out)
	}
}

func TestAlertRulesPassTheirUnitTests(t *testing.T) {
	out := runTool(t, ".", "promtool", "test", "rules", "alerts_test.yaml")
	if !strings.Contains(out, "SUCCESS") {
		t.Errorf("promtool test rules:\n%s", out)
	}
}

// The compose deployment's Prometheus configuration is valid, its rule
// file included (checked from a copy, where the mounted path is replaced
// by this directory's file).
func TestComposeScrapeConfigIsValid(t *testing.T) {
	b, err := os.ReadFile("prometheus.yml")
	if err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs("alerts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const mounted = "/etc/prometheus/alerts.yaml"
	if !bytes.Contains(b, []byte(mounted)) {
		t.Fatalf("prometheus.yml does not load %s", mounted)
	}
	cfg := filepath.Join(t.TempDir(), "prometheus.yml")
	if err := os.WriteFile(cfg, bytes.ReplaceAll(b, []byte(mounted), []byte(abs)), 0o600); err != nil {
		t.Fatal(err)
	}
	out := runTool(t, ".", "promtool", "check", "config", cfg)
	if !strings.Contains(out, "SUCCESS") {
		t.Errorf("promtool check config:\n%s", out)
	}
}

// ruleFile is the part of a rule file the tests read.
type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Alert       string            `yaml:"alert"`
			Expr        string            `yaml:"expr"`
			For         string            `yaml:"for"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

func readRules(t *testing.T) ruleFile {
	t.Helper()
	b, err := os.ReadFile("alerts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var rf ruleFile
	if err := yaml.Unmarshal(b, &rf); err != nil {
		t.Fatal(err)
	}
	return rf
}

// Every alert has a severity, a summary, a runbook section in
// docs/operations.md, and a unit test in which it fires.
func TestEveryAlertHasASeverityARunbookAndAFiringUnitTest(t *testing.T) {
	doc, err := os.ReadFile("../../docs/operations.md")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("alerts_test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var tests struct {
		Tests []struct {
			AlertRuleTest []struct {
				Alertname string `yaml:"alertname"`
				ExpAlerts []any  `yaml:"exp_alerts"`
			} `yaml:"alert_rule_test"`
		} `yaml:"tests"`
	}
	if err := yaml.Unmarshal(b, &tests); err != nil {
		t.Fatal(err)
	}
	fires, quiet := map[string]bool{}, map[string]bool{}
	for _, tc := range tests.Tests {
		for _, a := range tc.AlertRuleTest {
			if len(a.ExpAlerts) > 0 {
				fires[a.Alertname] = true
			} else {
				quiet[a.Alertname] = true
			}
		}
	}
	n := 0
	for _, g := range readRules(t).Groups {
		for _, r := range g.Rules {
			n++
			if s := r.Labels["severity"]; s != "critical" && s != "warning" {
				t.Errorf("%s: severity %q, want critical or warning", r.Alert, s)
			}
			if r.Annotations["summary"] == "" || r.Annotations["description"] == "" {
				t.Errorf("%s: no summary or description", r.Alert)
			}
			if want := "docs/operations.md#" + strings.ToLower(r.Alert); r.Annotations["runbook"] != want {
				t.Errorf("%s: runbook %q, want %q", r.Alert, r.Annotations["runbook"], want)
			}
			if !bytes.Contains(doc, []byte("\n### "+r.Alert+"\n")) {
				t.Errorf("%s: docs/operations.md has no section ### %s", r.Alert, r.Alert)
			}
			if !fires[r.Alert] {
				t.Errorf("%s: no unit test in alerts_test.yaml where it fires", r.Alert)
			}
		}
	}
	if n < 10 {
		t.Fatalf("only %d alerts read from alerts.yaml", n)
	}
	if len(quiet) < 12 {
		t.Errorf("only %d alerts are tested to stay quiet somewhere", len(quiet))
	}
}

// Every floorwatch_* series a rule reads is exported by the code.
func TestEveryRuleReadsSeriesTheCodeExports(t *testing.T) {
	names, err := MetricNames("../..")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"floorwatch_ingest_requests_total", "floorwatch_sink_lag_records", "floorwatch_build_info"} {
		if !names[want] {
			t.Fatalf("MetricNames misses %s: the scan is broken", want)
		}
	}
	used := 0
	for _, g := range readRules(t).Groups {
		for _, r := range g.Rules {
			for _, s := range SeriesIn(r.Expr) {
				used++
				if !HasMetric(names, s) {
					t.Errorf("%s reads %s, which no code exports", r.Alert, s)
				}
			}
		}
	}
	if used == 0 {
		t.Fatal("no floorwatch_* series found in the rules")
	}
	if HasMetric(names, "floorwatch_no_such_series") || !HasMetric(names, "floorwatch_process_transaction_seconds_bucket") {
		t.Error("HasMetric does not tell a histogram's series from an unknown one")
	}
}

// forClause is a rule's `for:` line.
var forClause = regexp.MustCompile(`(?m)^(\s+for:) \S+$`)

// shortFor is alerts.yaml with every `for:` shortened to d: the rules a
// live test can wait for. Nothing else differs.
func shortFor(t *testing.T, d string) []byte {
	t.Helper()
	b, err := os.ReadFile("alerts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out := forClause.ReplaceAll(b, []byte("$1 "+d))
	if slices.Equal(out, b) || !bytes.Contains(out, []byte("for: "+d)) {
		t.Fatal("alerts.yaml has no for: clause to shorten")
	}
	return out
}
