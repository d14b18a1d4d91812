package cases

import (
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/floorwatch/floorwatch/schemas"
)

// The desk: acme's open cases at 11:00 (and globex's, with the same team
// and operator names, which acme must never see). acme's policy: sales
// has a 2 min service-level target, others 5 min; unanswered after 15 min.
var desk = []conv{
	// current: active and assigned, by support start.
	{id: "a1", team: "sales", operator: "ana", status: "active", routed: "09:30", assigned: "09:31", firstResponse: "09:32",
		lastMessage: "09:30", window: "2026-11-21 09:30", attended: "09:32"},
	{id: "a2", team: "support", operator: "bob", status: "active", routed: "09:10", assigned: "09:12", firstResponse: "09:15",
		waiting: "10:50", lastMessage: "10:50", window: "2026-11-21 10:50", attended: "09:15"}, // unanswered at 11:05
	{id: "a3", team: "sales", operator: "ana", status: "active", routed: "09:10", assigned: "10:59",
		waiting: "10:58", lastMessage: "10:58", window: "2026-11-21 10:58"}, // service level at 11:01, unanswered at 11:13
	{id: "a4", channel: "x", account: "1000000000000000001", team: "sales", operator: "carl", status: "active", routed: "08:00",
		assigned: "08:01", firstResponse: "08:02", waiting: "10:47", lastMessage: "10:47", attended: "08:02"}, // recovered at 10:50: unanswered at 11:05
	// queued, by queued_since.
	{id: "q1", team: "sales", status: "queued", routed: "10:00", queued: "10:00", waiting: "10:00", lastMessage: "10:00",
		window: "2026-11-21 10:00"},
	{id: "q3", team: "sales", status: "queued", routed: "10:25", queued: "10:30", waiting: "10:25", lastMessage: "10:25",
		window: "2026-11-21 10:25"},
	{id: "q2", channel: "messenger", account: "200000000000001", opened: "2026-11-19 11:00", team: "support", status: "queued",
		routed: "10:20", queued: "10:30", waiting: "2026-11-19 11:08", lastMessage: "2026-11-19 11:08", window: "11:08",
		transfers: 1}, // the window ends at 11:08 while the customer waits
	// to recover, by window expiry, no window last.
	{id: "r1", team: "sales", operator: "dan", status: "to_recover", reason: "unanswered", routed: "09:59", assigned: "10:00",
		waiting: "10:00", lastMessage: "10:00", window: "2026-11-21 09:00"},
	{id: "r2", channel: "x", account: "1000000000000000001", team: "support", operator: "eve", status: "to_recover",
		reason: "operator_unavailable", routed: "10:00", assigned: "10:01", firstResponse: "10:02", waiting: "10:30", lastMessage: "10:30"},
	{id: "r3", team: "sales", status: "to_recover", reason: "outside_business_hours", routed: "2026-11-19 23:00",
		opened: "2026-11-19 22:59", queued: "2026-11-19 23:00", waiting: "2026-11-19 23:00", lastMessage: "2026-11-19 23:00", window: "23:00"},
	// expired, by window expiry.
	{id: "e2", team: "sales", status: "expired", opened: "2026-11-19 09:00", routed: "2026-11-19 10:00", queued: "2026-11-19 10:00",
		waiting: "2026-11-19 10:30", lastMessage: "2026-11-19 10:30", window: "10:30"},
	{id: "e1", team: "support", status: "expired", opened: "2026-11-19 08:00", routed: "2026-11-19 08:30", queued: "2026-11-19 08:30",
		waiting: "2026-11-19 09:00", lastMessage: "2026-11-19 09:00", window: "09:00"},
	// in no list: closed, still with the bot.
	{id: "x1", team: "sales", operator: "ana", status: "closed", routed: "10:00", assigned: "10:40", firstResponse: "10:45", closed: "10:50"},
	{id: "b1", status: "bot", waiting: "10:55", lastMessage: "10:55"},
	// globex: the same team and operator names.
	{id: "g1", tenant: "globex", account: "100000000000002", team: "sales", status: "queued", routed: "09:00", queued: "09:00",
		waiting: "09:00", lastMessage: "09:00", window: "2026-11-20 11:02"},
	{id: "g2", tenant: "globex", account: "100000000000002", team: "sales", operator: "ana", status: "active", routed: "09:00",
		assigned: "10:58", waiting: "10:58", lastMessage: "10:58", window: "2026-11-21 10:58"},
}

var deskNow = at("11:00")

func acmePolicy() schemas.Policy {
	p := schemas.DefaultPolicy("acme")
	p.Teams = map[string]schemas.TeamPolicy{"sales": {ServiceLevelTarget: 2 * time.Minute}, "support": {}, "weekend": {}}
	return p
}

// loadDesk writes the desk and what goes with it: a customer's name, a
// recovery, operator presence, first responses and status intervals.
func loadDesk(t testing.TB) driver.Conn {
	t.Helper()
	conn := migrated(t)
	insertConvs(t, conn, desk...)
	exec(t, conn,
		`INSERT INTO customers (tenant, channel, account_id, customer_id, customer_name, updated_at) VALUES
			('acme', 'whatsapp', '100000000000001', 'cust-q3', 'Zoé', '2026-11-20 10:25:00'),
			('globex', 'whatsapp', '100000000000001', 'cust-q1', 'Not acme''s', '2026-11-20 10:25:00')`,
		// a4 was recovered at 10:50 (its line moves to 11:05); a2's recovery at
		// 10:30 is older than its wait and moves nothing.
		`INSERT INTO events (occurred_at, received_at, tenant, channel, account_id, customer_id, kind, id) VALUES
			('2026-11-20 10:50:00', '2026-11-20 10:50:00', 'acme', 'x', '1000000000000000001', 'cust-a4', 'conversation.recovered', 'rec-a4'),
			('2026-11-20 10:30:00', '2026-11-20 10:30:00', 'acme', 'whatsapp', '100000000000001', 'cust-a2', 'conversation.recovered', 'rec-a2'),
			('2026-11-20 10:59:00', '2026-11-20 10:59:00', 'globex', 'x', '1000000000000000001', 'cust-a4', 'conversation.recovered', 'rec-g')`,
		`INSERT INTO operator_status (tenant, operator, team, status, occurred_at, received_at, id) VALUES
			('acme', 'ana', 'sales', 'available', '2026-11-20 09:00:00', '2026-11-20 09:00:00', 's1'),
			('acme', 'bob', 'support', 'available', '2026-11-20 09:00:00', '2026-11-20 09:00:00', 's2'),
			('acme', 'bob', '', 'away', '2026-11-20 10:30:00', '2026-11-20 10:30:00', 's3'),
			('acme', 'zed', 'support', 'offline', '2026-11-20 08:00:00', '2026-11-20 08:00:00', 's4'),
			('globex', 'ana', 'sales', 'offline', '2026-11-20 10:00:00', '2026-11-20 10:00:00', 's5'),
			('globex', 'gil', 'sales', 'available', '2026-11-20 10:00:00', '2026-11-20 10:00:00', 's6')`,
		// First responses: x1's (sales, 5 min, over its 2 min target) and a
		// duration of a1 (1 min) in the last 30 min; one of a1 of an older
		// version (not counted), one at 10:20 (before the window), globex's.
		`INSERT INTO durations (conversation_id, version, kind, seq, tenant, channel, interaction_type, team, operator, ended_at, ms, business_ms, target_ms) VALUES
			('x1', 1, 'first_response', 0, 'acme', 'whatsapp', 'messaging', 'sales', 'ana', '2026-11-20 10:45:00', 300000, 300000, 120000),
			('a1', 1, 'first_response', 0, 'acme', 'whatsapp', 'messaging', 'sales', 'ana', '2026-11-20 10:40:00', 60000, 60000, 120000),
			('a1', 0, 'first_response', 1, 'acme', 'whatsapp', 'messaging', 'sales', 'ana', '2026-11-20 10:41:00', 60000, 60000, 120000),
			('a2', 1, 'first_response', 0, 'acme', 'whatsapp', 'messaging', 'support', 'bob', '2026-11-20 10:20:00', 60000, 60000, 300000),
			('g2', 1, 'first_response', 0, 'globex', 'whatsapp', 'messaging', 'sales', 'ana', '2026-11-20 10:50:00', 60000, 60000, 120000)`,
		// Queue departures in [10:30, 11:00): x1 taken by ana at 10:40
		// (sales), s1 closed from the support queue at 10:45; a1 was taken at
		// 09:31 (before the window); globex's g9 (not acme's).
		`INSERT INTO status_history (conversation_id, seq, version, deleted, tenant, channel, interaction_type, team, operator, status, recover_reason, valid_from, valid_to) VALUES
			('x1', 1, 1, 0, 'acme', 'whatsapp', 'messaging', 'sales', '', 'queued', '', '2026-11-20 10:00:00', '2026-11-20 10:40:00'),
			('x1', 2, 1, 0, 'acme', 'whatsapp', 'messaging', 'sales', 'ana', 'active', '', '2026-11-20 10:40:00', '2026-11-20 10:50:00'),
			('x1', 3, 1, 0, 'acme', 'whatsapp', 'messaging', 'sales', 'ana', 'closed', '', '2026-11-20 10:50:00', NULL),
			('s1', 1, 1, 0, 'acme', 'whatsapp', 'messaging', 'support', '', 'queued', '', '2026-11-20 10:10:00', '2026-11-20 10:45:00'),
			('s1', 2, 1, 0, 'acme', 'whatsapp', 'messaging', 'support', '', 'closed', '', '2026-11-20 10:45:00', NULL),
			('a1', 1, 1, 0, 'acme', 'whatsapp', 'messaging', 'sales', '', 'queued', '', '2026-11-20 09:30:00', '2026-11-20 09:31:00'),
			('a1', 2, 1, 0, 'acme', 'whatsapp', 'messaging', 'sales', 'ana', 'active', '', '2026-11-20 09:31:00', NULL),
			('g9', 1, 1, 0, 'globex', 'whatsapp', 'messaging', 'sales', '', 'queued', '', '2026-11-20 10:10:00', '2026-11-20 10:45:00'),
			('g9', 2, 1, 0, 'globex', 'whatsapp', 'messaging', 'sales', 'ana', 'active', '', '2026-11-20 10:45:00', NULL)`,
	)
	return conn
}
