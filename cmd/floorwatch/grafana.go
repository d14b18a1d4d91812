package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/deployments/grafana"
)

// writeGrafanaTenants writes, under dir, the provisioning of one Grafana
// organization per tenant with a ClickHouse reader (docs/reliability.md).
func writeGrafanaTenants(cfg *config.Config, dir string, w io.Writer) error {
	if dir == "" {
		return usageError("config grafana: --out DIR is required")
	}
	var readers []grafana.TenantReader
	for _, t := range cfg.Tenants {
		if t.ClickHouseReader != nil {
			readers = append(readers, grafana.TenantReader{Tenant: t.ID, Username: t.ClickHouseReader.Username})
		}
	}
	if len(readers) == 0 {
		return errors.New("config grafana: no tenant has a clickhouse_reader")
	}
	ds, db := grafana.TenantProvisioning(readers)
	for sub, b := range map[string][]byte{"datasources": ds, "dashboards": db} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, sub, "floorwatch-tenants.yaml"), b, 0o644); err != nil {
			return err
		}
	}
	for i, r := range readers {
		fmt.Fprintf(w, "tenant %s: organization %d, user %s, password from %s\n", r.Tenant, grafana.FirstTenantOrg+i, r.Username, grafana.PasswordEnv(r.Tenant))
	}
	return nil
}
