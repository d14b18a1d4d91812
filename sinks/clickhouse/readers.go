package clickhouse

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"slices"
	"strings"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/floorwatch/floorwatch/config"
)

// Reader is a tenant's own ClickHouse login (config tenants[].clickhouse_reader):
// it may read the tenant's rows of every table, and nothing else.
type Reader struct {
	Tenant, Username string
	Password         config.Secret
}

// Readers lists the readers of the tenants that have one.
func Readers(tenants []config.Tenant) []Reader {
	var out []Reader
	for _, t := range tenants {
		if r := t.ClickHouseReader; r != nil {
			out = append(out, Reader{Tenant: t.ID, Username: r.Username, Password: r.Password})
		}
	}
	return out
}

// sharedTables hold no tenant's data (how far each Kafka partition's
// outputs are complete; each gauge round's number and earliest time, which
// gauges_latest reads as its caller): every reader may read them whole.
var sharedTables = []string{"watermarks", "gauge_rounds"}

// ReaderGrants is what a reader may read in one database.
type ReaderGrants struct {
	Database string
	// Tables have a tenant column: a reader reads them through a row
	// filter, tenant = its own.
	Tables []string
	// Views read the tables above as their caller (SQL SECURITY INVOKER,
	// the default), so the caller's row filters apply inside them.
	Views []string
	// Shared are sharedTables: read whole.
	Shared []string
}

// LoadReaderGrants lists db's objects for the readers: every table with a
// tenant column, every view, the shared tables. Materialized views are
// left out (their target tables are listed), and so is every other table
// (schema_migrations, or one a future migration adds without a tenant
// column): a reader cannot read what it is not granted. A view that runs
// as its definer would bypass the row filters: it is an error.
func LoadReaderGrants(ctx context.Context, conn driver.Conn, db string) (ReaderGrants, error) {
	rows, err := conn.Query(ctx, `SELECT name, engine, create_table_query,
			name IN (SELECT table FROM system.columns WHERE database = ? AND name = 'tenant') AS has_tenant
		FROM system.tables WHERE database = ? ORDER BY name`, db, db)
	if err != nil {
		return ReaderGrants{}, fmt.Errorf("migrate: list tables for the readers: %w", err)
	}
	defer rows.Close()
	g := ReaderGrants{Database: db}
	for rows.Next() {
		var name, engine, create string
		var hasTenant bool
		if err := rows.Scan(&name, &engine, &create, &hasTenant); err != nil {
			return ReaderGrants{}, fmt.Errorf("migrate: list tables for the readers: %w", err)
		}
		switch {
		case engine == "MaterializedView":
		case engine == "View":
			if strings.Contains(strings.ToUpper(create), "SQL SECURITY DEFINER") {
				return ReaderGrants{}, fmt.Errorf("migrate: view %s runs as its definer: the readers' row filters would not apply inside it", name)
			}
			g.Views = append(g.Views, name)
		case hasTenant:
			g.Tables = append(g.Tables, name)
		case slices.Contains(sharedTables, name):
			g.Shared = append(g.Shared, name)
		}
	}
	return g, rows.Err()
}

// passwordHash is the hex SHA-256 of the password: the form in which
// ClickHouse stores it, so the password itself never appears in a
// statement or in the users file.
func passwordHash(s config.Secret) string {
	sum := sha256.Sum256(s.Bytes())
	return hex.EncodeToString(sum[:])
}

// quoteString quotes a ClickHouse string literal.
func quoteString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// policyName names the row policy of tenant's reader on a table.
func policyName(tenant string) string { return "floorwatch_tenant_" + tenant }

// ReaderStatements returns the SQL (a server with SQL access control)
// that makes each reader exist with its password and read, in g, its
// tenant's rows of every table, every view, the shared tables, and
// nothing else. Run again, it changes a password and the grants to what
// the configuration says.
func ReaderStatements(readers []Reader, g ReaderGrants) []string {
	var out []string
	db := quoteIdent(g.Database)
	for _, r := range readers {
		u, hash := quoteIdent(r.Username), quoteString(passwordHash(r.Password))
		out = append(out,
			"CREATE USER IF NOT EXISTS "+u+" IDENTIFIED WITH sha256_hash BY "+hash,
			"ALTER USER "+u+" IDENTIFIED WITH sha256_hash BY "+hash,
			"REVOKE ALL ON *.* FROM "+u)
		for _, t := range g.Tables {
			out = append(out,
				"CREATE ROW POLICY OR REPLACE "+quoteIdent(policyName(r.Tenant))+" ON "+db+"."+quoteIdent(t)+
					" FOR SELECT USING tenant = "+quoteString(r.Tenant)+" TO "+u,
				"GRANT SELECT ON "+db+"."+quoteIdent(t)+" TO "+u)
		}
		for _, t := range slices.Concat(g.Views, g.Shared) {
			out = append(out, "GRANT SELECT ON "+db+"."+quoteIdent(t)+" TO "+u)
		}
	}
	return out
}

// ProvisionReaders runs ReaderStatements on a server with SQL access
// control, as a user allowed to manage users.
func ProvisionReaders(ctx context.Context, conn driver.Conn, readers []Reader, g ReaderGrants) error {
	for _, stmt := range ReaderStatements(readers, g) {
		if err := conn.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("migrate: provision the tenant readers: %w", err)
		}
	}
	return nil
}

// UsersXML renders the readers as a users file, for a server that takes
// its users from files (users_config, users.d) and for the local engine
// of deployments/local/services, which refuses SQL access control. The
// file is whole: it also defines profiles, a quota and floorwatch's own
// user self, with every right (the writer, migrate, report); a self with
// no Username leaves them out, for a users.d fragment with readers only.
func UsersXML(readers []Reader, g ReaderGrants, self Reader) []byte {
	var b bytes.Buffer
	esc := func(s string) string {
		var e bytes.Buffer
		_ = xml.EscapeText(&e, []byte(s))
		return e.String()
	}
	b.WriteString("<!-- Written by floorwatch migrate (users-xml): each tenant reader reads only its rows. -->\n<clickhouse>\n")
	if self.Username != "" {
		b.WriteString("  <profiles>\n    <default/>\n  </profiles>\n  <quotas>\n    <default/>\n  </quotas>\n")
	}
	b.WriteString("  <users>\n")
	if self.Username != "" {
		pw := "<password></password>"
		if self.Password.IsSet() {
			pw = "<password_sha256_hex>" + passwordHash(self.Password) + "</password_sha256_hex>"
		}
		fmt.Fprintf(&b, "    <%s>\n      %s\n      <networks><ip>::/0</ip></networks>\n"+
			"      <profile>default</profile>\n      <quota>default</quota>\n    </%s>\n", self.Username, pw, self.Username)
	}
	for _, r := range readers {
		fmt.Fprintf(&b, "    <%s>\n      <password_sha256_hex>%s</password_sha256_hex>\n", r.Username, passwordHash(r.Password))
		b.WriteString("      <networks><ip>::/0</ip></networks>\n      <profile>default</profile>\n      <quota>default</quota>\n      <grants>\n")
		for _, t := range slices.Concat(g.Tables, g.Views, g.Shared) {
			fmt.Fprintf(&b, "        <query>GRANT SELECT ON %s.%s</query>\n", esc(quoteIdent(g.Database)), esc(quoteIdent(t)))
		}
		fmt.Fprintf(&b, "      </grants>\n      <databases>\n        <%s>\n", g.Database)
		for _, t := range g.Tables {
			fmt.Fprintf(&b, "          <%s><filter>tenant = %s</filter></%s>\n", t, esc(quoteString(r.Tenant)), t)
		}
		fmt.Fprintf(&b, "        </%s>\n      </databases>\n    </%s>\n", g.Database, r.Username)
	}
	b.WriteString("  </users>\n</clickhouse>\n")
	return b.Bytes()
}
