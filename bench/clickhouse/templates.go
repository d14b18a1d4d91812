package clickhouse

import "strings"

// conv defines conversation c's segment, keys and times (ms since the
// epoch) from a number; %C% is replaced by the expression giving c. Time
// offsets are hashes of c, so every table derives the same conversation.
const conv = `WITH %C% AS c,
    concat('t', toString(c % 3)) AS tenant,
    ['whatsapp', 'messenger', 'instagram', 'x'][c % 4 + 1] AS channel,
    intDiv(c, 12) % 8 AS ti,
    concat('team', toString(ti)) AS team,
    concat('op', toString(ti * 5 + intDiv(c, 96) % 5)) AS operator,
    concat('acct', toString(c % 12)) AS account_id,
    concat('cust', toString(c)) AS customer_id,
    concat('conv', toString(c)) AS conversation_id,
    toInt64({START} + intDiv(c * {SPAN}, {C})) AS o_ms,
    o_ms + 5000 + toInt64(cityHash64(c, 1) % 60000) AS r_ms,
    r_ms + toInt64(cityHash64(c, 2) % 300000) AS a_ms,
    a_ms + 1000 + toInt64(cityHash64(c, 3) % 600000) AS f_ms,
    f_ms + 30000 + toInt64(cityHash64(c, 4) % 600000) AS m_ms,
    m_ms + 1000 + toInt64(cityHash64(c, 5) % 900000) AS p_ms,
    p_ms + 60000 + toInt64(cityHash64(c, 6) % 3600000) AS x_ms,
    multiIf(x_ms <= {END}, 'closed', a_ms <= {END}, 'active', r_ms <= {END}, 'queued', 'bot') AS status
`

func withConv(c string) string { return strings.ReplaceAll(conv, "%C%", c) }

// ts turns a ms expression into a DateTime64(3); opt gives NULL after the end.
func ts(ms string) string  { return "fromUnixTimestamp64Milli(" + ms + ", 'UTC')" }
func opt(ms string) string { return "if(" + ms + " <= {END}, " + ts(ms) + ", NULL)" }

var templates = []struct{ table, sql string }{
	{"events", `INSERT INTO events (occurred_at, received_at, tenant, channel, account_id, customer_id, kind, id,
        message_id, text, content_type, interaction_type, team, operator, v)
` + withConv("intDiv(number, 10)") + `, number % 10 AS j,
    [o_ms, r_ms, a_ms, f_ms, f_ms, m_ms, p_ms, p_ms + 10000, p_ms + 5000, x_ms][j + 1] AS at_ms,
    ['customer_message', 'conversation.routed', 'conversation.assigned', 'operator.replied', 'business_message',
     'customer_message', 'business_message', 'read', if(c % 10 = 0, 'conversation.transferred', 'delivery'),
     'conversation.closed'][j + 1] AS kind
SELECT ` + ts("at_ms") + `, ` + ts("at_ms + 300") + `, tenant, channel, account_id, customer_id, kind,
    concat('ev', toString(number)), if(kind LIKE '%message', concat('m', toString(number)), ''),
    if(kind LIKE '%message', concat('message text number ', toString(number % 5000)), ''),
    if(kind LIKE '%message', 'text', ''), if(position(kind, '.') > 0, 'messaging', ''),
    if(position(kind, '.') > 0, team, ''), if(position(kind, '.') > 0, operator, ''), 1
FROM numbers({N}) WHERE at_ms <= {END}`},
	{"conversations", `INSERT INTO conversations (conversation_id, version, deleted, tenant, channel, account_id,
        customer_id, interaction_type, team, operator, status, opened_at, routed_at, assigned_at, attended_at,
        first_response_at, last_customer_message_at, first_customer_message_at, wait_started_at, window_expires_at,
        closed_at, closed_by, last_event_at, transfer_times, first_response_ms, resolution_ms, reply_count, reply_sum_ms,
        complete_until)
` + withConv("number") + `
SELECT conversation_id, 10, 0, tenant, channel, account_id, customer_id, 'messaging',
    if(r_ms <= {END}, team, ''), if(a_ms <= {END}, operator, ''), status, ` + ts("o_ms") + `,
    ` + opt("r_ms") + `, ` + opt("a_ms") + `, ` + opt("f_ms") + `, ` + opt("f_ms") + `,
    ` + opt("m_ms") + `, if(c % 3 = 0, NULL, ` + ts("o_ms") + `), -- a third as rows written before the column
    if(status IN ('queued', 'bot'), ` + ts("o_ms") + `, NULL),
    if(channel = 'x', NULL, ` + ts("m_ms + 86400000") + `), ` + opt("x_ms") + `,
    if(status = 'closed', 'operator', ''), ` + ts("least(x_ms, {END})") + `,
    if(c % 10 = 0 AND p_ms + 5000 <= {END}, [` + ts("p_ms + 5000") + `], []),
    if(f_ms <= {END}, f_ms - o_ms, NULL), if(status = 'closed', x_ms - o_ms, NULL),
    toInt64(p_ms <= {END}), if(p_ms <= {END}, p_ms - m_ms, 0), ` + ts("least(x_ms, {END})") + `
FROM numbers({C}) WHERE o_ms <= {END}`},
	{"status_history", `INSERT INTO status_history (conversation_id, seq, version, deleted, tenant, channel,
        interaction_type, team, operator, status, valid_from, valid_to)
` + withConv("intDiv(number, 3)") + `, number % 3 AS k, [r_ms, a_ms, x_ms][k + 1] AS from_ms,
    [a_ms, x_ms, 0][k + 1] AS to_ms
SELECT conversation_id, k, 10, 0, tenant, channel, 'messaging', team, operator,
    ['queued', 'active', 'closed'][k + 1], ` + ts("from_ms") + `, if(k = 2, NULL, ` + opt("to_ms") + `)
FROM numbers({C} * 3) WHERE from_ms <= {END}`},
	{"durations", `INSERT INTO durations (conversation_id, version, kind, seq, tenant, channel, interaction_type,
        team, operator, ended_at, ms, business_ms, target_ms)
` + withConv("intDiv(number, 3)") + `, number % 3 AS k, [f_ms, p_ms, x_ms][k + 1] AS end_ms,
    [f_ms - o_ms, p_ms - m_ms, x_ms - o_ms][k + 1] AS ms
SELECT conversation_id, 10, ['first_response', 'reply', 'resolution'][k + 1], k, tenant, channel, 'messaging',
    team, operator, ` + ts("end_ms") + `, ms, intDiv(ms, 2), if(k = 0, 60000, 0)
FROM numbers({C} * 3) WHERE end_ms <= {END}`},
	{"metrics_minute", `INSERT INTO metrics_minute (minute, tenant, channel, interaction_type, team, operator,
        opened, closed, transfers, first_response_within_target,
        first_response_count, first_response_sum_ms, first_response_business_sum_ms, first_response_buckets,
        reply_count, reply_sum_ms, reply_business_sum_ms, reply_buckets,
        resolution_count, resolution_sum_ms, resolution_business_sum_ms, resolution_buckets,
        first_response_business_buckets, first_response_min_ms, first_response_max_ms,
        first_response_business_min_ms, first_response_business_max_ms,
        reply_business_buckets, reply_min_ms, reply_max_ms, reply_business_min_ms, reply_business_max_ms,
        resolution_business_buckets, resolution_min_ms, resolution_max_ms,
        resolution_business_min_ms, resolution_business_max_ms)
WITH number % {SEG} AS s, intDiv(number, {SEG}) AS m, cityHash64(number) AS h,
    toInt64(h % 5 = 0) AS n, 1000 + toInt64(h % 600000) AS ms, toInt64(h % 7 = 0) AS r,
    v -> toInt32(ceil(log(v) / log(1.01 / 0.99))) AS bucket, 9223372036854775807 AS none
SELECT toDateTime(intDiv({START}, 1000) + m * 60, 'UTC'), concat('t', toString(s % 3)),
    ['whatsapp', 'messenger', 'instagram', 'x'][s % 4 + 1], 'messaging', concat('team', toString(intDiv(s, 12) % 8)),
    concat('op', toString(intDiv(s, 12) % 8 * 5 + h % 5)),
    n, toInt64(h % 7 = 0), toInt64(h % 50 = 0), n * toInt64(ms <= 60000),
    n, n * ms, n * intDiv(ms, 2), if(n = 1, map(toInt32(ceil(log(ms) / log(1.01 / 0.99))), 1), map()),
    2 * n, 2 * n * ms, n * ms, if(n = 1, map(toInt32(ceil(log(ms) / log(1.01 / 0.99))), 2), map()),
    toInt64(h % 7 = 0), toInt64(h % 7 = 0) * 60 * ms, toInt64(h % 7 = 0) * 30 * ms,
    if(h % 7 = 0, map(toInt32(ceil(log(60 * ms) / log(1.01 / 0.99))), 1), map()),
    if(n = 1, map(bucket(intDiv(ms, 2)), 1), map()), if(n = 1, ms, none), n * ms,
    if(n = 1, intDiv(ms, 2), none), n * intDiv(ms, 2),
    if(n = 1, map(bucket(intDiv(ms, 2)), 2), map()), if(n = 1, ms, none), n * ms,
    if(n = 1, intDiv(ms, 2), none), n * intDiv(ms, 2),
    if(r = 1, map(bucket(30 * ms), 1), map()), if(r = 1, 60 * ms, none), r * 60 * ms,
    if(r = 1, 30 * ms, none), r * 30 * ms
FROM numbers({MINUTES})`},
	{"gauges", `INSERT INTO gauges (at, partition, round, tenant, channel, interaction_type, team, operator,
        bot, queued, active, to_recover, expired)
WITH number % {SEG} AS s, intDiv(number, {SEG}) AS m, cityHash64(number) AS h
SELECT fromUnixTimestamp64Milli(toInt64({START} + m * 60000), 'UTC'), 0, m + 1, concat('t', toString(s % 3)),
    ['whatsapp', 'messenger', 'instagram', 'x'][s % 4 + 1], 'messaging', concat('team', toString(intDiv(s, 12) % 8)),
    '', h % 3, h % 5, h % 11, h % 2, h % 2
FROM numbers({MINUTES})`},
	{"watermarks", `INSERT INTO watermarks (topic, partition, complete_until, at)
SELECT ['floorwatch.metrics', 'floorwatch.conversations'][number % 2 + 1], intDiv(number, 2) % 4,
    fromUnixTimestamp64Milli(toInt64({START} + intDiv(number, 8) * 60000 - 2000), 'UTC'),
    fromUnixTimestamp64Milli(toInt64({START} + intDiv(number, 8) * 60000), 'UTC')
FROM numbers(intDiv({MINUTES}, {SEG}) * 8)`},
	{"dead_letters", `INSERT INTO dead_letters (received_at, stage, reason, source, tenant, headers, body, topic, partition, offset)
SELECT fromUnixTimestamp64Milli(toInt64({START} + intDiv(number * {SPAN}, 10000)), 'UTC'), ['ingest', 'process', 'sink'][number % 3 + 1],
    'generated', 'floorwatch.events', 't0', map(), '{}', 'floorwatch.events', 0, number
FROM numbers(10000)`},
}
