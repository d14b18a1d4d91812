package cases

import (
	"context"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/internal/testenv"
	sinkch "github.com/floorwatch/floorwatch/sinks/clickhouse"
)

// day is the fixtures' date: at("10:05") is 2026-11-20 10:05 UTC.
func at(hhmm string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", "2026-11-20 "+hhmm)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// migrated returns a fresh, migrated database of the real ClickHouse.
func migrated(t testing.TB) driver.Conn {
	t.Helper()
	_, db := testenv.ClickHouseDatabase(t, "api")
	addr, _ := testenv.ClickHouse(t)
	cfg := config.Default().ClickHouse
	cfg.Addr, cfg.Database = addr, db
	if err := sinkch.Migrate(context.Background(), cfg, sinkch.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	return testenv.ClickHouseConn(t, db)
}

// conv is one conversation row as the processors write it; empty times
// are NULL. Times are hh:mm on the fixtures' date, or full "2006-01-02 15:04".
type conv struct {
	id, tenant, channel, account, customer, itype, team, operator, status, reason                   string
	opened, routed, assigned, firstResponse, waiting, lastMessage, queued, window, attended, closed string
	transfers, version                                                                              int
}

func (c conv) withDefaults() conv {
	if c.tenant == "" {
		c.tenant = "acme"
	}
	if c.channel == "" {
		c.channel = "whatsapp"
	}
	if c.account == "" {
		c.account = "100000000000001"
	}
	if c.customer == "" {
		c.customer = "cust-" + c.id
	}
	if c.itype == "" {
		c.itype = "messaging"
	}
	if c.opened == "" {
		c.opened = "09:00"
	}
	if c.version == 0 {
		c.version = 1
	}
	return c
}

func clock(s string) time.Time {
	if len(s) == 5 {
		return at(s)
	}
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func optClock(s string) *time.Time {
	if s == "" {
		return nil
	}
	t := clock(s)
	return &t
}

// insertConvs writes rows into conversations.
func insertConvs(t testing.TB, conn driver.Conn, convs ...conv) {
	t.Helper()
	ctx := context.Background()
	b, err := conn.PrepareBatch(ctx, `INSERT INTO conversations (conversation_id, version, deleted, tenant, channel, account_id,
		customer_id, interaction_type, team, operator, status, recover_reason, opened_at, routed_at, assigned_at, attended_at,
		first_response_at, last_customer_message_at, wait_started_at, queued_since, window_expires_at, closed_at, last_event_at,
		transfer_times, complete_until)`)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = b.Abort() }()
	for _, c := range convs {
		c = c.withDefaults()
		var transfers []time.Time
		for i := range c.transfers {
			transfers = append(transfers, clock(c.opened).Add(time.Duration(i+1)*time.Minute))
		}
		if err := b.Append(c.id, uint64(c.version), uint8(0), c.tenant, c.channel, c.account, c.customer, c.itype, c.team,
			c.operator, c.status, c.reason, clock(c.opened), optClock(c.routed), optClock(c.assigned), optClock(c.attended),
			optClock(c.firstResponse), optClock(c.lastMessage), optClock(c.waiting), optClock(c.queued), optClock(c.window),
			optClock(c.closed), clock(c.opened), transfers, clock(c.opened)); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Send(); err != nil {
		t.Fatal(err)
	}
}

// exec runs statements (fixture inserts into other tables).
func exec(t testing.TB, conn driver.Conn, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if err := conn.Exec(context.Background(), s); err != nil {
			t.Fatalf("%v\n%s", err, s)
		}
	}
}

func ids(cs []Case) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ConversationID
	}
	return out
}
