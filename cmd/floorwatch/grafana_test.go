package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigGrafanaWritesOneOrganizationPerTenantReader(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	yaml := "tenants:\n  - id: acme\n    clickhouse_reader: {username: acme_reader, password: pw1}\n" +
		"  - id: initech\n  - id: globex\n    clickhouse_reader: {username: globex_reader, password: pw2}\n"
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "provisioning")
	code, stdout, stderr := runCmd(t, nil, "config", "grafana", "--config", cfg, "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if want := "tenant globex: organization 3, user globex_reader, password from FLOORWATCH_CLICKHOUSE_PASSWORD_GLOBEX\n"; !strings.Contains(stdout, want) {
		t.Errorf("stdout %q lacks %q", stdout, want)
	}
	ds, err := os.ReadFile(filepath.Join(out, "datasources", "floorwatch-tenants.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(ds), "orgId:") != 2 || strings.Contains(string(ds), "pw1") || strings.Contains(string(ds), "initech") {
		t.Errorf("data sources: want acme's and globex's only, no password:\n%s", ds)
	}
	if _, err := os.Stat(filepath.Join(out, "dashboards", "floorwatch-tenants.yaml")); err != nil {
		t.Error(err)
	}
	if code, _, _ := runCmd(t, nil, "config", "grafana", "--config", cfg); code != 2 {
		t.Errorf("without --out: exit %d, want 2", code)
	}
}
