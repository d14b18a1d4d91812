package api

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// Desk sizes a generated live desk: Open conversations in human support
// (40% active, 30% queued, 20% to recover, 10% expired) and Closed ones,
// spread over Tenants tenants, 4 channels, 8 teams and 40 operators,
// opened over the two hours before Now; ten raw events per open
// conversation (2% of them recoveries), a customer name for a third,
// every operator's presence, each conversation's status history (queued,
// then active when assigned, then closed) and its first response.
type Desk struct {
	Open, Closed int64
	Tenants      int
	Now          time.Time
}

// Tenant returns the name of generated tenant i.
func Tenant(i int) string { return fmt.Sprintf("bench%d", i) }

// Teams and operators of the generated desk.
const (
	Teams     = 8
	Operators = 40
)

// GenerateDesk fills the migrated tables of conn's default database,
// inside ClickHouse (INSERT ... SELECT FROM numbers()).
func GenerateDesk(ctx context.Context, conn driver.Conn, d Desk) error {
	r := strings.NewReplacer("{OPEN}", fmt.Sprint(d.Open), "{ALL}", fmt.Sprint(d.Open+d.Closed),
		"{T}", fmt.Sprint(d.Tenants), "{NOW}", fmt.Sprint(d.Now.UnixMilli()),
		"{TEAMS}", fmt.Sprint(Teams), "{OPS}", fmt.Sprint(Operators))
	for _, sql := range []string{conversationsSQL, eventsSQL, customersSQL, presenceSQL, queuedSQL, activeSQL, closedSQL, durationsSQL} {
		if err := conn.Exec(ctx, r.Replace(sql)); err != nil {
			return fmt.Errorf("generate the desk: %w\n%s", err, r.Replace(sql))
		}
	}
	return nil
}

// deskRows are the generated conversations' columns, computed once.
const deskRows = `
SELECT number,
    lower(hex(MD5(toString(number)))) AS conversation_id,
    'bench' || toString(number % {T}) AS tenant,
    ['whatsapp', 'messenger', 'instagram', 'x'][1 + intDiv(number, {T} * 10) % 4] AS channel,
    'acct-' || channel AS account_id,
    'cust-' || toString(number) AS customer_id,
    if(number % 10 = 0, 'voice', 'messaging') AS interaction_type,
    'team-' || toString(intDiv(number, 7) % {TEAMS}) AS team,
    intDiv(number, {T}) % 10 AS kind,
    multiIf(number >= {OPEN}, 'closed', kind < 4, 'active', kind < 7, 'queued', kind < 9, 'to_recover', 'expired') AS status,
    if(status IN ('active', 'to_recover', 'closed'), 'op-' || toString(intDiv(number, 3) % {OPS}), '') AS operator,
    fromUnixTimestamp64Milli(toInt64({NOW} - 7200000 + (number * 7919) % 7100000), 'UTC') AS opened_at,
    opened_at + toIntervalSecond(30) AS routed_at,
    if(status IN ('active', 'to_recover', 'closed'), opened_at + toIntervalSecond(60 + number % 300), NULL) AS assigned_at,
    if(status IN ('active', 'closed') AND number % 3 != 0, opened_at + toIntervalSecond(400), NULL) AS first_response_at,
    if(status = 'expired', opened_at - toIntervalHour(24), opened_at + toIntervalSecond(number % 600)) AS last_message_at,
    if(status = 'closed' OR number % 4 = 0, NULL, last_message_at) AS wait_started_at`

const conversationsSQL = `
INSERT INTO conversations (conversation_id, version, deleted, tenant, channel, account_id, customer_id, interaction_type, team,
    operator, status, recover_reason, opened_at, routed_at, assigned_at, attended_at, first_response_at, last_customer_message_at,
    wait_started_at, queued_since, window_expires_at, closed_at, last_event_at, transfer_times, complete_until)
SELECT conversation_id, 1, 0, tenant, channel, account_id, customer_id, interaction_type, team, operator, status,
    if(status = 'to_recover', ['unanswered', 'operator_unavailable', 'outside_business_hours'][1 + number % 3], ''),
    opened_at, routed_at, assigned_at, first_response_at, first_response_at, last_message_at,
    if(status = 'expired', last_message_at, wait_started_at),
    if(status = 'queued', routed_at + toIntervalSecond(number % 900), NULL),
    if(channel = 'x', NULL, last_message_at + toIntervalHour(24)),
    if(status = 'closed', opened_at + toIntervalSecond(900), NULL),
    opened_at + toIntervalSecond(900), if(number % 17 = 0, [routed_at], []), opened_at
FROM (` + deskRows + ` FROM numbers({ALL}))`

const eventsSQL = `
INSERT INTO events (occurred_at, received_at, tenant, channel, account_id, customer_id, kind, id, team, operator)
SELECT opened_at + toIntervalSecond(e * 40) AS at, at, tenant, channel, account_id, customer_id,
    if(e = 9 AND number % 5 = 0, 'conversation.recovered',
       ['customer_message', 'conversation.routed', 'conversation.assigned', 'operator.replied', 'business_message',
        'customer_message', 'operator.replied', 'read', 'delivery', 'customer_message'][e + 1]),
    conversation_id || '-' || toString(e), team, operator
FROM (` + deskRows + ` FROM numbers({OPEN})) ARRAY JOIN range(10) AS e`

const customersSQL = `
INSERT INTO customers (tenant, channel, account_id, customer_id, customer_name, updated_at)
SELECT tenant, channel, account_id, customer_id, 'Customer ' || toString(number), opened_at
FROM (` + deskRows + ` FROM numbers({OPEN})) WHERE number % 3 = 0`

const presenceSQL = `
INSERT INTO operator_status (tenant, operator, team, status, occurred_at, received_at, id)
SELECT 'bench' || toString(t), 'op-' || toString(o), 'team-' || toString(o % {TEAMS}),
    ['available', 'available', 'away', 'offline'][1 + (t + o) % 4], fromUnixTimestamp64Milli(toInt64({NOW} - 3600000), 'UTC'),
    fromUnixTimestamp64Milli(toInt64({NOW} - 3600000), 'UTC'), 's-' || toString(t) || '-' || toString(o)
FROM (SELECT number AS t FROM numbers({T})) ARRAY JOIN range({OPS}) AS o`

const queuedSQL = `
INSERT INTO status_history (conversation_id, seq, version, deleted, tenant, channel, interaction_type, team, operator, status,
    recover_reason, valid_from, valid_to)
SELECT conversation_id, 0, 1, 0, tenant, channel, interaction_type, team, '', 'queued', '', routed_at, assigned_at
FROM (` + deskRows + ` FROM numbers({ALL}))`

const activeSQL = `
INSERT INTO status_history (conversation_id, seq, version, deleted, tenant, channel, interaction_type, team, operator, status,
    recover_reason, valid_from, valid_to)
SELECT conversation_id, 1, 1, 0, tenant, channel, interaction_type, team, operator, 'active', '', assumeNotNull(assigned_at),
    if(status = 'closed', opened_at + toIntervalSecond(900), NULL)
FROM (` + deskRows + ` FROM numbers({ALL})) WHERE assigned_at IS NOT NULL`

const closedSQL = `
INSERT INTO status_history (conversation_id, seq, version, deleted, tenant, channel, interaction_type, team, operator, status,
    recover_reason, valid_from, valid_to)
SELECT conversation_id, 2, 1, 0, tenant, channel, interaction_type, team, operator, 'closed', '', opened_at + toIntervalSecond(900), NULL
FROM (` + deskRows + ` FROM numbers({ALL})) WHERE status = 'closed'`

const durationsSQL = `
INSERT INTO durations (conversation_id, version, kind, seq, tenant, channel, interaction_type, team, operator, ended_at, ms,
    business_ms, target_ms)
SELECT conversation_id, 1, 'first_response', 0, tenant, channel, interaction_type, team, operator, assumeNotNull(first_response_at),
    dateDiff('millisecond', assumeNotNull(assigned_at), assumeNotNull(first_response_at)) AS ms, ms, if(team = 'team-0', 120000, 300000)
FROM (` + deskRows + ` FROM numbers({ALL})) WHERE first_response_at IS NOT NULL`
