package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/floorwatch/floorwatch/internal/testenv"
)

// migrate provisions the tenants' readers: with --users-xml as a users file
// (no password in clear); without it through SQL, and a server that
// refuses SQL access control (the local engine) leaves them absent, says
// so, and is not an error.
func TestMigrateProvisionsTheTenantReaders(t *testing.T) {
	_, db := testenv.ClickHouseDatabase(t, "migrate")
	addr, _ := testenv.ClickHouse(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	yaml := "clickhouse: {addr: " + addr + ", database: " + db + "}\n" +
		"tenants:\n" +
		"  - id: acme\n    clickhouse_reader: {username: acme_reader, password: acme-reader-pw}\n" +
		"  - id: globex\n    clickhouse_reader: {username: globex_reader, password_env: GLOBEX_READER_PW}\n"
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"GLOBEX_READER_PW": "globex-reader-pw"}
	users := filepath.Join(dir, "users.xml")
	code, _, stderr := runCmd(t, env, "migrate", "--config", cfg, "--users-xml", users)
	if code != 0 {
		t.Fatalf("migrate --users-xml: exit %d\n%s", code, stderr)
	}
	b, err := os.ReadFile(users)
	if err != nil {
		t.Fatal(err)
	}
	out := string(b)
	for _, want := range []string{"<acme_reader>", "<globex_reader>", "<default>", "<filter>tenant = &#39;globex&#39;</filter>",
		"GRANT SELECT ON `" + db + "`.`events`"} {
		if !strings.Contains(out, want) {
			t.Errorf("users file lacks %s", want)
		}
	}
	if strings.Contains(out, "reader-pw") {
		t.Error("users file holds a password in clear")
	}
	if !strings.Contains(stderr, "NOT provisioned") || !strings.Contains(stderr, "wrote the tenant readers to a users file") || !strings.Contains(stderr, "readers=2") {
		t.Errorf("stderr %q: want the refused SQL provisioning reported and the file written", stderr)
	}
}
