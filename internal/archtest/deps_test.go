package archtest

import (
	"bufio"
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/floorwatch/floorwatch"

// rule limits what one package (and everything it pulls in) may depend on.
// Every package of the module needs a rule: a new package without one
// fails the test until its place in the data flow is written down here.
// The rules, in words:
//
//   - schemas is the contract everyone imports: standard library only.
//   - the pure cores (ingest/normalize and the processors' conversation,
//     business-hours, indicator and window packages) import only schemas, each
//     other and the standard library (normalize also a JSON decoder): no I/O
//     libraries, so replay and tests run them in-process. The processors never read channel
//     bodies: they see normalized events only (no ingest/normalize).
//   - config may use viper; it knows schemas and nothing of the stages.
//   - stages never import each other: ingest, processors and sinks each
//     see schemas, config and their own sub-packages only. ingest/decode,
//     what replay runs of ingest, touches neither Kafka nor ClickHouse.
//   - api (the supervisor API, its case queries and console) sees
//     schemas, the producer and its own sub-packages only: the report it serves and
//     the configuration it needs are passed in by cmd/floorwatch.
//   - replay composes ingest decoding with the pure processor cores and
//     touches neither Kafka nor ClickHouse.
//   - simulate, the traffic generator, knows only schemas and config: it
//     writes bodies as the platforms do, never with a stage's code; its
//     sender (simulate/send) adds HTTP and nothing of Kafka or ClickHouse.
//   - internal/connect builds the Kafka and ClickHouse clients' options
//     from the configuration; cmd hands them to the stages.
//   - internal/publish is the Kafka producer of the HTTP edges (ingest's
//     webhooks, the supervisor API's actions): acks from every in-sync
//     replica, idempotent, an answer only after the acknowledgement.
//   - test/oracle, the end-to-end tests' independent oracle, shares only
//     the contract (schemas), the configuration and ingest's decoding with
//     the pipeline: never the processors' cores nor replay, which it checks.
//   - only cmd/floorwatch wires stages together; test/e2e and bench drive
//     the whole pipeline from outside and may use anything; nothing but
//     tests and benchmarks imports internal/testenv or segmentio/kafka-go.
//   - internal/ratelimit throttles failed authentications at the HTTP
//     edges; it knows only internal/telemetry.
//   - deployments/grafana (dashboard checks), deployments and
//     deployments/prometheus (deployment files and alert rules) and
//     internal/archtest are standard library only.
type rule struct {
	pkg string // a package path relative to the module, or a prefix ending in "/..."
	// allowed project packages (relative paths or prefixes ending in "/...")
	project []string
	// thirdParty says whether modules outside the standard library are allowed.
	thirdParty bool
	// forbidden third-party prefixes even when thirdParty is true.
	forbidden []string
	// allow lists third-party prefixes allowed even when thirdParty is false.
	allow []string
}

var pureCores = []string{"schemas", "ingest/normalize", "processors/conversation", "processors/windows",
	"processors/bizhours", "processors/indicators"}

var processorCores = []string{"schemas", "processors/conversation", "processors/windows",
	"processors/bizhours", "processors/indicators"}

// anything allows every project package and every module.
var anything = []string{"..."}

var rules = []rule{
	{pkg: "schemas"},
	// Webhook bodies are decoded with goccy/go-json, a drop-in decoder five
	// times faster here than encoding/json (docs/ingest.md): the one
	// library the pure cores may use.
	{pkg: "ingest/normalize", project: []string{"schemas"}, allow: []string{"github.com/goccy/go-json"}},
	{pkg: "processors/conversation", project: processorCores},
	{pkg: "processors/bizhours", project: processorCores},
	{pkg: "processors/indicators", project: processorCores},
	{pkg: "processors/windows", project: processorCores},
	{pkg: "config", project: []string{"schemas"}, thirdParty: true},
	// The decoder is what replay runs of ingest: no Kafka, no ClickHouse.
	{pkg: "ingest/decode", project: []string{"schemas", "config", "ingest/normalize"}, thirdParty: true,
		forbidden: []string{"github.com/twmb/franz-go/", "github.com/ClickHouse/", "github.com/prometheus/"}},
	{pkg: "ingest/...", project: []string{"schemas", "config", "internal/telemetry", "internal/ratelimit", "internal/publish", "ingest/..."}, thirdParty: true,
		forbidden: []string{"github.com/ClickHouse/"}},
	{pkg: "processors/...", project: []string{"schemas", "config", "internal/telemetry", "processors/..."}, thirdParty: true,
		forbidden: []string{"github.com/ClickHouse/"}},
	// The sink's migrations open their own connections (one without a
	// database, to create it) with the shared client options.
	{pkg: "sinks/...", project: []string{"schemas", "config", "internal/connect", "internal/telemetry", "sinks/..."}, thirdParty: true},
	{pkg: "api/...", project: []string{"schemas", "internal/telemetry", "internal/ratelimit", "internal/publish", "api/..."}, thirdParty: true},
	{pkg: "replay/...", project: []string{"schemas", "config", "ingest/decode", "ingest/normalize", "processors/...", "replay/..."},
		thirdParty: true, forbidden: []string{"github.com/twmb/franz-go/", "github.com/ClickHouse/"}},
	{pkg: "cmd/...", project: anything, thirdParty: true},
	// Before test/...: the oracle must compute apart from what it checks.
	{pkg: "test/oracle", project: []string{"schemas", "config", "ingest/decode", "ingest/normalize"}, thirdParty: true,
		forbidden: []string{"github.com/twmb/franz-go/", "github.com/ClickHouse/"}},
	{pkg: "test/...", project: anything, thirdParty: true},
	{pkg: "bench/...", project: anything, thirdParty: true},
	{pkg: "internal/testenv", project: anything, thirdParty: true},
	{pkg: "internal/archtest"},
	// The one way stages register their metrics.
	{pkg: "internal/telemetry", thirdParty: true},
	// Throttling of failed authentications, for the HTTP edges (ingest,
	// the supervisor API): a Prometheus counter, nothing else.
	{pkg: "internal/ratelimit", project: []string{"internal/telemetry"}, thirdParty: true},
	// The one Kafka producer that answers a request after its
	// acknowledgement (ingest's webhooks, the supervisor API's actions).
	{pkg: "internal/publish", thirdParty: true, forbidden: []string{"github.com/ClickHouse/"}},
	// Clients built once from the configuration, for cmd to hand out.
	{pkg: "internal/connect", project: []string{"schemas", "config"}, thirdParty: true},
	{pkg: "deployments/grafana"},
	// The deployment files' checks (compose, Kubernetes, image) and the
	// alert rules' metric scan: standard library only.
	{pkg: "deployments"},
	{pkg: "deployments/prometheus"},
	{pkg: "simulate", project: []string{"schemas", "config"}, thirdParty: true,
		forbidden: []string{"github.com/twmb/franz-go/", "github.com/ClickHouse/", "github.com/schollz/"}},
	{pkg: "simulate/...", project: []string{"schemas", "config", "simulate/..."}, thirdParty: true,
		forbidden: []string{"github.com/twmb/franz-go/", "github.com/ClickHouse/"}},
}

// everywhere applies to every non-test package.
var forbiddenEverywhere = []string{"github.com/segmentio/kafka-go", module + "/internal/testenv"}

func TestDependencyDirection(t *testing.T) {
	deps := listDeps(t)
	if len(deps) == 0 {
		t.Fatal("go list returned no packages")
	}
	for pkg, pkgDeps := range deps {
		rel := strings.TrimPrefix(strings.TrimPrefix(pkg, module), "/")
		for _, d := range pkgDeps {
			for _, f := range forbiddenEverywhere {
				if strings.HasPrefix(d, f) && !strings.HasPrefix(rel, "internal/testenv") {
					t.Errorf("%s depends on %s, which only tests and benchmarks may use", rel, d)
				}
			}
		}
		r, ok := ruleFor(rel)
		if !ok {
			t.Errorf("%s has no dependency rule: add one to internal/archtest (deny by default)", rel)
			continue
		}
		for _, d := range pkgDeps {
			if msg := r.check(d); msg != "" {
				t.Errorf("%s depends on %s: %s", rel, d, msg)
			}
		}
	}
}

func ruleFor(rel string) (rule, bool) {
	for _, r := range rules {
		if matches(r.pkg, rel) {
			return r, true
		}
	}
	return rule{}, false
}

func (r rule) check(dep string) string {
	if isStdlib(dep) {
		return ""
	}
	if rel, ok := strings.CutPrefix(dep, module+"/"); ok {
		for _, p := range r.project {
			if matches(p, rel) {
				return ""
			}
		}
		return "not among the project packages it may use"
	}
	for _, a := range r.allow {
		if strings.HasPrefix(dep, a) {
			return ""
		}
	}
	if !r.thirdParty {
		return "only the standard library (and the project packages listed) is allowed"
	}
	for _, f := range r.forbidden {
		if strings.HasPrefix(dep, f) {
			return "this stage must not use it"
		}
	}
	return ""
}

func matches(pattern, rel string) bool {
	if pattern == "..." {
		return true
	}
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return rel == base || strings.HasPrefix(rel, base+"/")
	}
	return rel == pattern
}

// isStdlib reports whether an import path belongs to the standard library:
// its first element has no dot. vendor/ paths are the standard library's own.
func isStdlib(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// listDeps maps each package of the module to its transitive dependencies.
func listDeps(t *testing.T) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-f", "{{.ImportPath}} {{join .Deps \" \"}}", module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	deps := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		deps[fields[0]] = fields[1:]
	}
	return deps
}

func TestRulesCatchAViolation(t *testing.T) {
	cases := []struct {
		pkg, dep string
		bad      bool
	}{
		{"schemas", "encoding/json", false},
		{"schemas", module + "/config", true},
		{"ingest/normalize", "github.com/twmb/franz-go/pkg/kgo", true},
		{"ingest", module + "/processors/conversation", true},
		{"ingest", module + "/ingest/normalize", false},
		{"replay", "github.com/twmb/franz-go/pkg/kgo", true},
		{"replay", module + "/ingest/decode", false},
		{"ingest/decode", "github.com/twmb/franz-go/pkg/kgo", true},
		{"processors/conversation", module + "/processors/bizhours", false},
		{"sinks/clickhouse", module + "/ingest", true},
		{"processors/stream", module + "/ingest/normalize", true},
		{"processors/windows", module + "/ingest/normalize", true},
		{"replay", module + "/ingest/publish", true},
		{"deployments/grafana", "github.com/ClickHouse/clickhouse-go/v2", true},
		{"cmd/floorwatch", module + "/sinks/clickhouse", false},
		{"simulate", module + "/ingest/normalize", true},
		{"simulate", module + "/config", false},
		{"simulate/send", module + "/simulate", false},
		{"simulate/send", "github.com/twmb/franz-go/pkg/kgo", true},
		{"api", module + "/sinks/report", true},
		{"api", module + "/config", true},
		{"api/cases", module + "/ingest/publish", true},
		{"api", module + "/api/cases", false},
		{"test/oracle", module + "/processors/conversation", true},
		{"test/oracle", module + "/processors/bizhours", true},
		{"test/oracle", module + "/replay", true},
		{"test/oracle", module + "/ingest/decode", false},
		{"test/e2e", module + "/replay", false},
	}
	for _, c := range cases {
		r, ok := ruleFor(c.pkg)
		if !ok {
			t.Fatalf("no rule for %s", c.pkg)
		}
		if got := r.check(c.dep) != ""; got != c.bad {
			t.Errorf("%s -> %s: violation=%v, want %v", c.pkg, c.dep, got, c.bad)
		}
	}
}

func TestAPackageWithoutARuleHasNone(t *testing.T) {
	for _, pkg := range []string{"alerts", "simulatex", "internal/newthing"} {
		if r, ok := ruleFor(pkg); ok {
			t.Errorf("%s matched the rule for %s: a new package must get its own rule", pkg, r.pkg)
		}
	}
}

// The pure cores are what replay and the tests run in-process: their rules
// allow no module outside the standard library.
func TestPureCoresAllowNoThirdPartyModule(t *testing.T) {
	for _, pkg := range pureCores {
		r, ok := ruleFor(pkg)
		if !ok || r.thirdParty {
			t.Errorf("%s: rule %+v, want one without third-party modules", pkg, r)
		}
	}
}
