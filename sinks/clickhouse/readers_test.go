package clickhouse

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/internal/connect"
	"github.com/floorwatch/floorwatch/internal/testenv"
)

var testReaders = []Reader{
	{Tenant: "acme", Username: "acme_reader", Password: config.NewSecret("acme-reader-pw")},
	{Tenant: "globex", Username: "globex_reader", Password: config.NewSecret(`glo'bex\pw`)},
}

func TestReaderStatementsFilterEveryTenantTableAndGrantNothingElse(t *testing.T) {
	g := ReaderGrants{Database: "fw", Tables: []string{"events", "metrics_minute"}, Views: []string{"live_cases"}, Shared: []string{"watermarks"}}
	got := ReaderStatements(testReaders[1:], g)
	hash := passwordHash(testReaders[1].Password)
	want := []string{
		"CREATE USER IF NOT EXISTS `globex_reader` IDENTIFIED WITH sha256_hash BY '" + hash + "'",
		"ALTER USER `globex_reader` IDENTIFIED WITH sha256_hash BY '" + hash + "'",
		"REVOKE ALL ON *.* FROM `globex_reader`",
		"CREATE ROW POLICY OR REPLACE `floorwatch_tenant_globex` ON `fw`.`events` FOR SELECT USING tenant = 'globex' TO `globex_reader`",
		"GRANT SELECT ON `fw`.`events` TO `globex_reader`",
		"CREATE ROW POLICY OR REPLACE `floorwatch_tenant_globex` ON `fw`.`metrics_minute` FOR SELECT USING tenant = 'globex' TO `globex_reader`",
		"GRANT SELECT ON `fw`.`metrics_minute` TO `globex_reader`",
		"GRANT SELECT ON `fw`.`live_cases` TO `globex_reader`",
		"GRANT SELECT ON `fw`.`watermarks` TO `globex_reader`",
	}
	if !slices.Equal(got, want) {
		t.Errorf("statements:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, s := range got {
		if strings.Contains(s, "glo'bex") || strings.Contains(s, `bex\pw`) {
			t.Errorf("a statement holds the password in clear: %s", s)
		}
	}
	if quoteString(`a'b\c`) != `'a\'b\\c'` {
		t.Errorf("quoteString(a'b\\c) = %s", quoteString(`a'b\c`))
	}
}

func TestUsersXMLHoldsNoPasswordInClear(t *testing.T) {
	g := ReaderGrants{Database: "fw", Tables: []string{"events"}, Shared: []string{"watermarks"}}
	out := string(UsersXML(testReaders, g, Reader{Username: "default", Password: config.NewSecret("own-pw")}))
	for _, pw := range []string{"acme-reader-pw", `glo'bex\pw`, "own-pw"} {
		if strings.Contains(out, pw) {
			t.Errorf("users file holds a password in clear:\n%s", out)
		}
	}
	for _, want := range []string{"<acme_reader>", "<filter>tenant = &#39;acme&#39;</filter>", "GRANT SELECT ON `fw`.`watermarks`",
		"<password_sha256_hex>" + passwordHash(config.NewSecret("own-pw")) + "</password_sha256_hex>"} {
		if !strings.Contains(out, want) {
			t.Errorf("users file lacks %s:\n%s", want, out)
		}
	}
}

// asUser runs query over HTTP as user (HTTP, never the native protocol:
// a wrong password there aborts the local engine) and returns the body.
func asUser(t *testing.T, base, user, password, query string) (string, int) {
	t.Helper()
	req, err := http.NewRequest("POST", base+"/?"+url.Values{"default_format": {"TSV"}}.Encode(), strings.NewReader(query))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-ClickHouse-User", user)
	req.Header.Set("X-ClickHouse-Key", password)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return strings.TrimSpace(string(b)), resp.StatusCode
}

var viewParam = regexp.MustCompile(`\{(\w+):[^}]+\}`)

// source is how a reader selects from object: a parameterized view gets
// every parameter (a time far in the past for "from", an hour for
// "step_s", a time far ahead else).
func source(db, object, create string) string {
	var args []string
	for _, m := range viewParam.FindAllStringSubmatch(create, -1) {
		v := "2100-01-01 00:00:00"
		switch m[1] {
		case "from":
			v = "2000-01-01 00:00:00"
		case "step_s":
			v = "3600"
		}
		if a := m[1] + " = '" + v + "'"; !slices.Contains(args, a) {
			args = append(args, a)
		}
	}
	s := db + "." + object
	if len(args) > 0 {
		s += "(" + strings.Join(args, ", ") + ")"
	}
	return s
}

// Tenant isolation (docs/reliability.md): on a throwaway engine, with the
// users file `floorwatch migrate --users-xml` writes, each tenant's reader
// reads, in every table and view, its own rows and never one of the other
// tenant's, and cannot read or write anything else.
func TestEachTenantsReaderReadsOnlyItsRowsInEveryTableAndView(t *testing.T) {
	l := testenv.StartLocalClickHouse(t, "")
	cfg := config.Default().ClickHouse
	cfg.Addr, cfg.Database = l.Native, "floorwatch"
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := Migrate(ctx, cfg, MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	conn, err := connect.ClickHouse(ctx, cfg, true)
	if err != nil {
		t.Fatal(err)
	}
	g, err := LoadReaderGrants(ctx, conn, cfg.Database)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Tables) < 10 || len(g.Views) < 5 || !slices.Equal(g.Shared, []string{"gauge_rounds", "watermarks"}) {
		t.Fatalf("grants %+v: want every table with a tenant column, every view, gauge_rounds and watermarks", g)
	}
	for _, name := range []string{TableEvents, TableOperatorStatus, TableAlertHistory} {
		if !slices.Contains(g.Tables, name) {
			t.Errorf("%s is not among the tables read through a tenant filter: %v", name, g.Tables)
		}
	}
	for _, name := range []string{"schema_migrations", "metrics_hour_mv"} {
		if slices.Contains(slices.Concat(g.Tables, g.Views, g.Shared), name) {
			t.Errorf("%s is granted to the readers", name)
		}
	}
	// One row of each tenant in every table: times now (a default of 1970
	// would be dropped by the tables' TTLs), column defaults for the rest;
	// the materialized views copy them on.
	for _, tbl := range g.Tables {
		cols, vals := []string{"tenant"}, []string{""}
		times, err := conn.Query(ctx, `SELECT name FROM system.columns WHERE database = ? AND table = ?
			AND type LIKE 'DateTime%' AND default_kind = ''`, cfg.Database, tbl)
		if err != nil {
			t.Fatal(err)
		}
		for times.Next() {
			var c string
			if err := times.Scan(&c); err != nil {
				t.Fatal(err)
			}
			cols, vals = append(cols, quoteIdent(c)), append(vals, ", now64(3)")
		}
		times.Close()
		rest := strings.Join(vals, "")
		// Tables keyed by conversation_id alone would collapse the two rows.
		var acmeID, globexID string
		if n, _ := asUser(t, l.HTTP, "default", "", "SELECT count() FROM system.columns WHERE database = "+
			quoteString(cfg.Database)+" AND table = "+quoteString(tbl)+" AND name = 'conversation_id'"); n == "1" {
			cols = append(cols, "conversation_id")
			acmeID, globexID = ", 'c-acme'", ", 'c-globex'"
		}
		q := fmt.Sprintf("INSERT INTO %s (%s) SELECT 'acme'%s%s UNION ALL SELECT 'globex'%s%s", tbl, strings.Join(cols, ", "),
			rest, acmeID, rest, globexID)
		if err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	creates := map[string]string{}
	rows, err := conn.Query(ctx, "SELECT name, create_table_query FROM system.tables WHERE database = ?", cfg.Database)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n, c string
		if err := rows.Scan(&n, &c); err != nil {
			t.Fatal(err)
		}
		creates[n] = c
	}
	rows.Close()
	conn.Close()

	users := filepath.Join(t.TempDir(), "users.xml")
	if err := os.WriteFile(users, UsersXML(testReaders, g, Reader{Username: "default"}), 0o600); err != nil {
		t.Fatal(err)
	}
	l.Restart(users)

	db := cfg.Database
	for _, r := range testReaders {
		pw := r.Password.Value()
		for _, obj := range slices.Concat(g.Tables, g.Views) {
			src := source(db, obj, creates[obj])
			if header, _ := asUser(t, l.HTTP, "default", "", "SELECT * FROM "+src+" LIMIT 0 FORMAT TSVWithNames"); !slices.Contains(strings.Fields(header), "tenant") {
				// A view of no tenant's data (watermarks_latest): readable.
				if out, status := asUser(t, l.HTTP, r.Username, pw, "SELECT count() FROM "+src); status != 200 {
					t.Errorf("%s cannot read %s: %s", r.Username, obj, out)
				}
				continue
			}
			other, status := asUser(t, l.HTTP, r.Username, pw, "SELECT count() FROM "+src+" WHERE tenant != "+quoteString(r.Tenant))
			if status != 200 || other != "0" {
				t.Errorf("%s reads %s rows of another tenant in %s (status %d)", r.Username, other, obj, status)
			}
			if !slices.Contains(g.Tables, obj) {
				continue
			}
			own, _ := asUser(t, l.HTTP, r.Username, pw, "SELECT count() FROM "+src+" WHERE tenant = "+quoteString(r.Tenant))
			all, _ := asUser(t, l.HTTP, "default", "", "SELECT count() FROM "+src+" WHERE tenant != "+quoteString(r.Tenant))
			if n, _ := strconv.Atoi(own); n == 0 {
				t.Errorf("%s reads none of its own rows in %s", r.Username, obj)
			}
			if n, _ := strconv.Atoi(all); n == 0 {
				t.Errorf("default reads no other tenant's row in %s: the check above proves nothing", obj)
			}
		}
		if n, status := asUser(t, l.HTTP, r.Username, pw, "SELECT count() FROM "+db+".watermarks"); status != 200 {
			t.Errorf("%s cannot read the shared watermarks: %s", r.Username, n)
		}
		for _, q := range []string{
			"SELECT count() FROM " + db + ".schema_migrations",
			"SELECT count() FROM system.one, " + db + ".metrics_hour_mv",
			"INSERT INTO " + db + ".events (tenant) VALUES (" + quoteString(r.Tenant) + ")",
			"ALTER TABLE " + db + ".events DELETE WHERE 1",
			"DROP TABLE " + db + ".events",
			"CREATE TABLE " + db + ".mine (tenant String) ENGINE = Memory",
		} {
			if out, status := asUser(t, l.HTTP, r.Username, pw, q); status == 200 || !strings.Contains(out, "ACCESS_DENIED") {
				t.Errorf("%s ran %q: %d %s; want ACCESS_DENIED", r.Username, q, status, out)
			}
		}
	}
	if out, status := asUser(t, l.HTTP, "acme_reader", "globex-guess", "SELECT 1"); status == 200 {
		t.Errorf("a wrong password was accepted: %s", out)
	}
	t.Logf("%d tables and %d views checked for %d readers", len(g.Tables), len(g.Views), len(testReaders))
}
