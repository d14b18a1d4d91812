package grafana

import (
	"fmt"
	"strings"
)

// DataSourceUID is the uid every dashboard names its ClickHouse data
// source by (provisioning/datasources/clickhouse.yaml).
const DataSourceUID = "floorwatch-clickhouse"

// TenantReader is a tenant and its ClickHouse reader (config
// tenants[].clickhouse_reader), as the tenant provisioning needs them.
type TenantReader struct {
	Tenant, Username string
}

// FirstTenantOrg is the Grafana organization of the first tenant; the
// others follow. Organization 1 stays the operators', with the data
// source of floorwatch's own user (every tenant).
const FirstTenantOrg = 2

// PasswordEnv names the environment variable Grafana reads a tenant
// reader's password from: FLOORWATCH_CLICKHOUSE_PASSWORD_<TENANT>, the
// tenant id upper-cased, '-' as '_'.
func PasswordEnv(tenant string) string {
	return "FLOORWATCH_CLICKHOUSE_PASSWORD_" + strings.ToUpper(strings.ReplaceAll(tenant, "-", "_"))
}

// TenantProvisioning returns the provisioning files that give each tenant
// a Grafana organization of its own (FirstTenantOrg, FirstTenantOrg+1, …,
// in the order given) whose only ClickHouse data source logs in as the
// tenant's reader, and the floorwatch dashboards in each organization.
// Every dashboard there reads through that data source, so it shows the
// tenant's rows only, "All" included. Passwords are never written: Grafana
// reads each from PasswordEnv(tenant).
func TenantProvisioning(readers []TenantReader) (datasources, dashboards []byte) {
	var ds, db strings.Builder
	ds.WriteString("# One ClickHouse data source per tenant, each in the tenant's own organization,\n" +
		"# logged in as the tenant's reader (written by floorwatch config grafana).\napiVersion: 1\ndatasources:\n")
	db.WriteString("# The floorwatch dashboards in every tenant's organization\n" +
		"# (written by floorwatch config grafana).\napiVersion: 1\nproviders:\n")
	for i, r := range readers {
		org := FirstTenantOrg + i
		fmt.Fprintf(&ds, `  - name: floorwatch
    uid: %s
    orgId: %d
    type: grafana-clickhouse-datasource
    isDefault: true
    editable: false
    jsonData:
      host: ${FLOORWATCH_CLICKHOUSE_HOST:-clickhouse}
      port: ${FLOORWATCH_CLICKHOUSE_PORT:-9000}
      protocol: native
      username: %s
      defaultDatabase: ${FLOORWATCH_CLICKHOUSE_DATABASE:-floorwatch}
    secureJsonData:
      password: ${%s}
`, DataSourceUID, org, r.Username, PasswordEnv(r.Tenant))
		fmt.Fprintf(&db, `  - name: floorwatch-%s
    orgId: %d
    folder: floorwatch
    type: file
    disableDeletion: true
    allowUiUpdates: false
    options:
      path: /var/lib/grafana/dashboards/floorwatch
`, r.Tenant, org)
	}
	return []byte(ds.String()), []byte(db.String())
}
