package grafana

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/floorwatch/floorwatch/deployments/prometheus"
	"github.com/floorwatch/floorwatch/internal/testenv"
)

const metricsDashboard = "dashboards/pipeline-metrics.json"

// promDashboard is the part of a Prometheus dashboard the tests read.
type promDashboard struct {
	UID    string `json:"uid"`
	Title  string `json:"title"`
	Panels []struct {
		ID         int    `json:"id"`
		Title      string `json:"title"`
		Type       string `json:"type"`
		Datasource struct {
			Type string `json:"type"`
			UID  string `json:"uid"`
		} `json:"datasource"`
		GridPos struct {
			X, Y, W, H int
		} `json:"gridPos"`
		Targets []struct {
			RefID      string `json:"refId"`
			Expr       string `json:"expr"`
			Datasource struct {
				UID string `json:"uid"`
			} `json:"datasource"`
		} `json:"targets"`
	} `json:"panels"`
}

func readMetricsDashboard(t *testing.T) promDashboard {
	t.Helper()
	b, err := os.ReadFile(metricsDashboard)
	if err != nil {
		t.Fatal(err)
	}
	var d promDashboard
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("%s: %v", metricsDashboard, err)
	}
	return d
}

// prometheusUID is the uid of the provisioned Prometheus data source.
func prometheusUID(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("provisioning/datasources/prometheus.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s+uid: (\S+)$`).FindSubmatch(b)
	if m == nil {
		t.Fatal("provisioning/datasources/prometheus.yaml has no uid")
	}
	return string(m[1])
}

// The pipeline metrics dashboard: every panel queries the provisioned
// Prometheus data source with PromQL, has a unique id and a place on the
// grid, and together they cover every role's metrics.
func TestTheMetricsDashboardQueriesTheProvisionedPrometheus(t *testing.T) {
	d := readMetricsDashboard(t)
	uid := prometheusUID(t)
	if d.UID == "" || d.Title == "" || len(d.Panels) < 12 {
		t.Fatalf("uid %q, title %q, %d panels", d.UID, d.Title, len(d.Panels))
	}
	ids := map[int]bool{}
	var exprs []string
	for _, p := range d.Panels {
		if ids[p.ID] {
			t.Errorf("panel id %d twice", p.ID)
		}
		ids[p.ID] = true
		if p.Datasource.Type != "prometheus" || p.Datasource.UID != uid {
			t.Errorf("%s: data source %+v, want prometheus %s", p.Title, p.Datasource, uid)
		}
		if p.GridPos.W <= 0 || p.GridPos.H <= 0 || p.GridPos.X+p.GridPos.W > 24 {
			t.Errorf("%s: grid position %+v", p.Title, p.GridPos)
		}
		refs := map[string]bool{}
		for _, tg := range p.Targets {
			if tg.Expr == "" || tg.RefID == "" || refs[tg.RefID] || tg.Datasource.UID != uid {
				t.Errorf("%s: target %+v: want an expression, a unique refId and the data source %s", p.Title, tg, uid)
			}
			refs[tg.RefID] = true
			exprs = append(exprs, tg.Expr)
		}
		if len(p.Targets) == 0 {
			t.Errorf("%s: no query", p.Title)
		}
	}
	all := strings.Join(exprs, "\n")
	for _, stage := range []string{"floorwatch_ingest_", "floorwatch_process_", "floorwatch_sink_", "floorwatch_build_info"} {
		if !strings.Contains(all, stage) {
			t.Errorf("no panel shows %s* metrics", stage)
		}
	}
}

// Every floorwatch_* series of the dashboard is one the code exports.
func TestTheMetricsDashboardReadsSeriesTheCodeExports(t *testing.T) {
	names, err := prometheus.MetricNames("../..")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range readMetricsDashboard(t).Panels {
		for _, tg := range p.Targets {
			for _, s := range prometheus.SeriesIn(tg.Expr) {
				n++
				if !prometheus.HasMetric(names, s) {
					t.Errorf("%s reads %s, which no code exports", p.Title, s)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no floorwatch_* series in the dashboard")
	}
}

// Every expression parses as PromQL: each becomes a recording rule
// (Grafana's $__ variables replaced by durations) checked by promtool.
func TestTheMetricsDashboardExpressionsParse(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		msg := "promtool not found: apt-get install prometheus (scripts/test test installs it)"
		if testenv.RequireServices() {
			t.Fatal(msg + "; " + testenv.EnvRequireServices + "=1 forbids skipping")
		}
		t.Skip(msg)
	}
	var rules strings.Builder
	rules.WriteString("groups:\n  - name: dashboard\n    rules:\n")
	vars := strings.NewReplacer("$__rate_interval", "1m", "$__interval", "15s", "$__range", "1h")
	var titles []string
	for _, p := range readMetricsDashboard(t).Panels {
		for _, tg := range p.Targets {
			expr, _ := json.Marshal(vars.Replace(tg.Expr)) // a JSON string is a YAML string
			fmt.Fprintf(&rules, "      - record: panel_%d_%s\n        expr: %s\n", p.ID, strings.ToLower(tg.RefID), expr)
			titles = append(titles, p.Title)
		}
	}
	if strings.Contains(rules.String(), "$") {
		t.Fatalf("an unreplaced Grafana variable:\n%s", rules.String())
	}
	file := filepath.Join(t.TempDir(), "dashboard-rules.yaml")
	if err := os.WriteFile(file, []byte(rules.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(promtool, "check", "rules", file).CombinedOutput()
	if err != nil || !strings.Contains(string(out), fmt.Sprintf("SUCCESS: %d rules found", len(titles))) {
		t.Errorf("promtool check rules over the dashboard's expressions: %v\n%s", err, out)
	}
	if slices.Contains(titles, "") {
		t.Error("a panel without a title")
	}
}
