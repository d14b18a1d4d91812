package deployments

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/floorwatch/floorwatch/config"
)

// service is the part of a compose service the tests read.
type service struct {
	Image string `yaml:"image"`
	Build struct {
		Context    string `yaml:"context"`
		Dockerfile string `yaml:"dockerfile"`
	} `yaml:"build"`
	Command     []string                     `yaml:"command"`
	Environment map[string]string            `yaml:"environment"`
	Ports       []string                     `yaml:"ports"`
	Volumes     []string                     `yaml:"volumes"`
	DependsOn   map[string]map[string]string `yaml:"depends_on"`
	Healthcheck struct {
		Test    []string `yaml:"test"`
		Disable bool     `yaml:"disable"`
	} `yaml:"healthcheck"`
	Restart string `yaml:"restart"`
}

func readCompose(t *testing.T) map[string]service {
	t.Helper()
	b, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Services map[string]service `yaml:"services"`
	}
	if err := yaml.Unmarshal(b, &f); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	return f.Services
}

// roles are the floorwatch services of compose.yaml, each running the
// command of its name.
var roles = []string{"migrate", "ingest", "process", "sink", "api"}

func TestComposeRunsKafkaClickHouseGrafanaAndEveryRole(t *testing.T) {
	svcs := readCompose(t)
	images := map[string]string{"kafka": "apache/kafka:", "clickhouse": "clickhouse/clickhouse-server:",
		"grafana": "grafana/grafana:", "prometheus": "prom/prometheus:"}
	for name, prefix := range images {
		if s, ok := svcs[name]; !ok || !strings.HasPrefix(s.Image, prefix) {
			t.Errorf("service %s: image %q, want %s…", name, s.Image, prefix)
		}
	}
	for _, role := range roles {
		s, ok := svcs[role]
		if !ok {
			t.Errorf("no service %s", role)
			continue
		}
		if !slices.Equal(s.Command, []string{role}) {
			t.Errorf("%s: command %v, want [%s]", role, s.Command, role)
		}
		if s.Build.Dockerfile != "deployments/Dockerfile" || s.Build.Context != ".." {
			t.Errorf("%s: built from %s in %s, want deployments/Dockerfile in ..", role, s.Build.Dockerfile, s.Build.Context)
		}
		if _, err := os.Stat(filepath.Join(s.Build.Context, s.Build.Dockerfile)); err != nil {
			t.Errorf("%s: %v", role, err)
		}
	}
	if m := svcs["migrate"]; m.Restart != "no" || !m.Healthcheck.Disable {
		t.Errorf("migrate is a one-shot: restart %q, health check disabled %v", m.Restart, m.Healthcheck.Disable)
	}
	if len(svcs) != len(images)+len(roles) {
		t.Errorf("%d services, want %d: a new service needs its checks here", len(svcs), len(images)+len(roles))
	}
}

// Every dependency waits for a state its target can report: healthy only
// for a service with a health check, completed only for the one-shot.
func TestComposeDependenciesWaitForHealthyServicesAndTheMigration(t *testing.T) {
	svcs := readCompose(t)
	want := map[string][]string{
		"migrate": {"clickhouse:service_healthy"},
		"ingest":  {"kafka:service_healthy"},
		"process": {"kafka:service_healthy"},
		"sink":    {"clickhouse:service_healthy", "kafka:service_healthy", "migrate:service_completed_successfully"},
		"api":     {"clickhouse:service_healthy", "kafka:service_healthy", "migrate:service_completed_successfully"},
		"grafana": {"clickhouse:service_healthy", "prometheus:service_healthy"},
	}
	for name, deps := range want {
		var got []string
		for dep, c := range svcs[name].DependsOn {
			got = append(got, dep+":"+c["condition"])
		}
		slices.Sort(got)
		if !slices.Equal(got, deps) {
			t.Errorf("%s depends on %v, want %v", name, got, deps)
		}
	}
	for name, s := range svcs {
		for dep, c := range s.DependsOn {
			target, ok := svcs[dep]
			switch {
			case !ok:
				t.Errorf("%s depends on %s, which is not a service", name, dep)
			case c["condition"] == "service_healthy" && (len(target.Healthcheck.Test) == 0 || target.Healthcheck.Disable):
				t.Errorf("%s waits for %s to be healthy, which has no health check", name, dep)
			}
		}
	}
}

// The roles' configuration (config.yaml, mounted, plus the service's
// variables) loads, and every port and address agrees with it: published
// ports, health checks, Prometheus's targets, the brokers and ClickHouse.
func TestComposePortsAndAddressesAgreeWithTheConfiguration(t *testing.T) {
	svcs := readCompose(t)
	scrape, err := os.ReadFile("prometheus/prometheus.yml")
	if err != nil {
		t.Fatal(err)
	}
	for _, role := range roles {
		s := svcs[role]
		var mounted bool
		for _, v := range s.Volumes {
			src, dst, _ := strings.Cut(strings.TrimSuffix(v, ":ro"), ":")
			if dst == s.Environment["FLOORWATCH_CONFIG"] {
				mounted = true
				if _, err := os.Stat(src); err != nil {
					t.Errorf("%s: mounts %s: %v", role, src, err)
				}
			}
		}
		if !mounted {
			t.Errorf("%s: nothing mounted at FLOORWATCH_CONFIG %q", role, s.Environment["FLOORWATCH_CONFIG"])
		}
		cfg, err := config.Load("../config.yaml", func(k string) string { return s.Environment[k] })
		if err != nil {
			t.Fatalf("%s: config.yaml with the service's environment: %v", role, err)
		}
		if broker := cfg.Kafka.Brokers; len(broker) != 1 || broker[0] != "kafka:9092" {
			t.Errorf("%s: kafka.brokers %v, want the kafka service's internal listener kafka:9092", role, broker)
		}
		if !strings.Contains(svcs["kafka"].Environment["KAFKA_ADVERTISED_LISTENERS"], "//"+cfg.Kafka.Brokers[0]) {
			t.Errorf("%s: kafka advertises %q, not %s", role, svcs["kafka"].Environment["KAFKA_ADVERTISED_LISTENERS"], cfg.Kafka.Brokers[0])
		}
		if cfg.ClickHouse.Addr != "clickhouse:9000" {
			t.Errorf("%s: clickhouse.addr %s, want the clickhouse service's native port", role, cfg.ClickHouse.Addr)
		}
		if role == "migrate" {
			continue
		}
		metrics := port(t, cfg.Metrics.Listen)
		probe := fmt.Sprintf("http://127.0.0.1:%d/readyz", metrics)
		if hc := s.Healthcheck.Test; !slices.Contains(hc, probe) || !slices.Contains(hc, "probe") {
			t.Errorf("%s: health check %v, want floorwatch probe %s", role, hc, probe)
		}
		if target := fmt.Sprintf("%q", fmt.Sprintf("%s:%d", role, metrics)); !strings.Contains(string(scrape), target) {
			t.Errorf("%s: prometheus.yml does not scrape %s", role, target)
		}
		var listen string
		switch role {
		case "ingest":
			listen = cfg.Ingest.Listen
		case "api":
			// api.listen comes with the API role; the variable sets it.
			listen = s.Environment["FLOORWATCH_API_LISTEN"]
		}
		if listen == "" {
			if len(s.Ports) != 0 {
				t.Errorf("%s publishes %v but listens on nothing public", role, s.Ports)
			}
			continue
		}
		p := port(t, listen)
		if want := fmt.Sprintf("%d:%d", p, p); !slices.Equal(s.Ports, []string{want}) {
			t.Errorf("%s: ports %v, want [%s] (listen %s)", role, s.Ports, want, listen)
		}
		if !strings.HasPrefix(listen, "0.0.0.0:") {
			t.Errorf("%s: listens on %s, unreachable from outside the container", role, listen)
		}
	}
}

// Grafana gets the project's provisioning, and the dashboards where the
// provider looks for them.
func TestComposeGrafanaMountsTheProvisioning(t *testing.T) {
	g := readCompose(t)["grafana"]
	mounts := map[string]string{}
	for _, v := range g.Volumes {
		src, dst, _ := strings.Cut(strings.TrimSuffix(v, ":ro"), ":")
		mounts[dst] = src
		if strings.HasPrefix(src, ".") {
			if _, err := os.Stat(src); err != nil {
				t.Errorf("grafana mounts %s: %v", src, err)
			}
		}
	}
	for dst, src := range map[string]string{
		"/etc/grafana/provisioning/datasources": "./grafana/provisioning/datasources",
		"/etc/grafana/provisioning/dashboards":  "./grafana/provisioning/dashboards",
	} {
		if mounts[dst] != src {
			t.Errorf("grafana: %s mounted from %q, want %s", dst, mounts[dst], src)
		}
	}
	provider, err := os.ReadFile("grafana/provisioning/dashboards/floorwatch.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s+path: (\S+)$`).FindSubmatch(provider)
	if m == nil || mounts[string(m[1])] != "./grafana/dashboards" {
		t.Errorf("the dashboard provider reads %q, where grafana mounts %q", m, mounts[string(m[1])])
	}
	if !strings.Contains(g.Environment["GF_INSTALL_PLUGINS"], "grafana-clickhouse-datasource") {
		t.Error("grafana does not install the ClickHouse data source plugin")
	}
}
