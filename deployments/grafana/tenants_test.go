package grafana

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEveryTenantGetsAnOrganizationWhoseOnlyDataSourceIsItsReader(t *testing.T) {
	ds, db := TenantProvisioning([]TenantReader{{"acme", "acme_reader"}, {"globex-eu", "globex_reader"}})
	d, b := string(ds), string(db)
	for _, want := range []string{
		"uid: " + DataSourceUID + "\n    orgId: 2\n", "username: acme_reader\n", "password: ${FLOORWATCH_CLICKHOUSE_PASSWORD_ACME}\n",
		"uid: " + DataSourceUID + "\n    orgId: 3\n", "username: globex_reader\n", "password: ${FLOORWATCH_CLICKHOUSE_PASSWORD_GLOBEX_EU}\n",
	} {
		if !strings.Contains(d, want) {
			t.Errorf("data sources lack %q:\n%s", want, d)
		}
	}
	if n := strings.Count(d, "- name: floorwatch\n"); n != 2 {
		t.Errorf("%d data sources, want one per tenant", n)
	}
	if strings.Contains(d, "orgId: 1\n") || strings.Contains(b, "orgId: 1\n") {
		t.Error("a tenant shares organization 1 with the operators")
	}
	for _, want := range []string{"name: floorwatch-acme\n    orgId: 2\n", "name: floorwatch-globex-eu\n    orgId: 3\n"} {
		if !strings.Contains(b, want) {
			t.Errorf("dashboard providers lack %q:\n%s", want, b)
		}
	}
}

// The tenants' data sources keep the uid the dashboards name, so the same
// dashboard files serve every organization: every ClickHouse data source
// reference of every dashboard names DataSourceUID.
func TestEveryClickHouseReferenceOfTheDashboardsNamesTheTenantsUID(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("dashboards", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	refs := 0
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["type"] == "grafana-clickhouse-datasource" {
				refs++
				if x["uid"] != DataSourceUID {
					t.Errorf("a ClickHouse data source reference with uid %v, want %s", x["uid"], DataSourceUID)
				}
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		walk(v)
	}
	if refs == 0 {
		t.Fatal("no ClickHouse data source reference found: the check proves nothing")
	}
}
