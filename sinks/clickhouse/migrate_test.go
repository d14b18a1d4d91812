package clickhouse

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/internal/connect"
	"github.com/floorwatch/floorwatch/internal/testenv"
)

func TestSplitStatementsDropsCommentsAndSplitsAtLineEndSemicolons(t *testing.T) {
	got := SplitStatements("-- a comment\nCREATE TABLE a (x String COMMENT 'a;b');\n\nCREATE VIEW v AS\nSELECT 1;\n")
	want := []string{"CREATE TABLE a (x String COMMENT 'a;b')", "CREATE VIEW v AS\nSELECT 1"}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("statement %d: got %q, want %q", i, got[i], want[i])
		}
	}
}

func TestMigrationsAreNumberedInOrderAndEveryColumnHasAComment(t *testing.T) {
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		if m.Version != uint32(i+1) {
			t.Errorf("migration %d has version %d: versions must be 1, 2, 3...", i, m.Version)
		}
	}
}

// testDatabase migrates a fresh database and returns a config that reaches it.
func testDatabase(t testing.TB) config.ClickHouse {
	t.Helper()
	_, db := testenv.ClickHouseDatabase(t, "sinks")
	addr, _ := testenv.ClickHouse(t)
	cfg := config.Default().ClickHouse
	cfg.Addr, cfg.Database = addr, db
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := Migrate(ctx, cfg, MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestMigrateTwiceChangesNothingTheSecondTime(t *testing.T) {
	cfg := testDatabase(t)
	ctx := context.Background()
	var lines []string
	err := Migrate(ctx, cfg, MigrateOptions{Log: func(f string, a ...any) { lines = append(lines, f) }})
	if err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	if len(lines) != 0 {
		t.Errorf("second migrate applied something: %q", lines)
	}
	conn := testenv.ClickHouseConn(t, cfg.Database)
	ms, _ := Migrations()
	var n uint64
	if err := conn.QueryRow(ctx, "SELECT count() FROM schema_migrations FINAL").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != uint64(len(ms)) {
		t.Errorf("schema_migrations holds %d rows, want %d", n, len(ms))
	}
	var uncommented []string
	rows, err := conn.Query(ctx, "SELECT table || '.' || name FROM system.columns WHERE database = ? AND comment = '' "+
		"AND table NOT IN (SELECT name FROM system.tables WHERE database = ? AND engine = 'MaterializedView') ORDER BY 1",
		cfg.Database, cfg.Database)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		_ = rows.Scan(&s)
		uncommented = append(uncommented, s)
	}
	if len(uncommented) > 0 {
		t.Errorf("columns without a COMMENT: %s", strings.Join(uncommented, ", "))
	}
}

func TestMigrateSetsTheConfiguredEventsTTL(t *testing.T) {
	cfg := testDatabase(t)
	ctx := context.Background()
	if err := Migrate(ctx, cfg, MigrateOptions{EventsTTL: 30 * 24 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	conn := testenv.ClickHouseConn(t, cfg.Database)
	var engine string
	if err := conn.QueryRow(ctx, "SELECT engine_full FROM system.tables WHERE database = ? AND name = 'events'", cfg.Database).Scan(&engine); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(engine, "toIntervalDay(30)") {
		t.Errorf("events engine is %q, want a 30-day TTL", engine)
	}
}

func TestMessageStatusNeverMovesBackwards(t *testing.T) {
	cfg := testDatabase(t)
	ctx := context.Background()
	conn, err := connect.ClickHouse(ctx, cfg, true)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// m1: read arrives first, its delivered later and twice (redelivery);
	// m2: only delivered.
	for _, ins := range []string{
		`('2026-11-20 09:00:07', 'read', 'm1')`,
		`('2026-11-20 09:00:05', 'delivery', 'm1')`,
		`('2026-11-20 09:00:05', 'delivery', 'm1')`,
		`('2026-11-20 09:01:00', 'delivery', 'm2')`,
	} {
		q := `INSERT INTO events (occurred_at, kind, message_id, tenant, channel, account_id, customer_id) ` +
			`SELECT c1, c2, c3, 'acme', 'whatsapp', 'a1', 'c1' FROM values(` + ins + `)`
		if err := conn.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := conn.Query(ctx, `SELECT message_id, if(max(status_rank) = 2, 'read', 'delivered'),
		ifNull(toString(min(delivered_at)), 'NULL'), ifNull(toString(min(read_at)), 'NULL')
		FROM message_status GROUP BY message_id ORDER BY message_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var id, status, delivered, read string
		if err := rows.Scan(&id, &status, &delivered, &read); err != nil {
			t.Fatal(err)
		}
		got = append(got, id+" "+status+" "+delivered+" "+read)
	}
	want := []string{
		"m1 read 2026-11-20 09:00:05.000 2026-11-20 09:00:07.000",
		"m2 delivered 2026-11-20 09:01:00.000 NULL",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("message status:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
