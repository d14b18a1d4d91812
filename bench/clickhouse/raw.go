package clickhouse

import "strings"

// The raw-events equivalents of the dashboard panels: the same indicator
// computed from the events table alone, the way one would without the
// processors' tables. {from}, {to} (DateTime64 expressions) and {iv}
// (interval seconds) are replaced before running.

// rawStatus is one row per conversation with the events before {to}: its
// status as of {to}, as the state machine would derive it.
const rawStatus = `SELECT tenant, channel, account_id, customer_id,
    concat(account_id, '/', customer_id) AS conversation_id,
    min(occurred_at) AS opened_at,
    countIf(kind = 'conversation.closed') > 0 AS is_closed, minIf(occurred_at, kind = 'conversation.closed') AS closed_at,
    countIf(kind = 'conversation.routed') > 0 AS is_routed, minIf(occurred_at, kind = 'conversation.routed') AS routed_at,
    countIf(kind = 'conversation.assigned') > 0 AS is_assigned,
    countIf(kind = 'operator.replied') > 0 AS is_attended,
    countIf(kind = 'conversation.transferred' AND occurred_at >= {from}) > 0 AS is_transferred,
    maxIf(occurred_at, kind = 'customer_message') AS last_customer_message_at,
    multiIf(is_closed, 'closed', is_assigned, 'active', is_routed, 'queued', 'bot') AS status
FROM events WHERE occurred_at < {to}
GROUP BY tenant, channel, account_id, customer_id`

// rawDurations is one row per first response, reply turn and resolution
// that ended in [{from}, {to}), from each conversation's sorted messages.
const rawDurations = `SELECT d.1 AS ended_at, d.2 AS kind, d.3 AS ms FROM (
    SELECT arraySort(x -> x.1, groupArrayIf((occurred_at, kind),
            kind IN ('customer_message', 'business_message', 'conversation.closed'))) AS ev,
        arrayMap(x -> x.1, ev) AS t, arrayMap(x -> x.2, ev) AS k,
        indexOf(k, 'business_message') AS fb, indexOf(k, 'customer_message') AS fc,
        indexOf(k, 'conversation.closed') AS cl,
        arrayConcat(
            if(fc > 0 AND fb > fc, [(t[fb], 'first_response', dateDiff('millisecond', t[fc], t[fb]))], []),
            arrayFilter(x -> x.3 >= 0, arrayMap(i -> if(fb > 0 AND i > fb AND k[i] = 'business_message'
                    AND k[i - 1] = 'customer_message', (t[i], 'reply', dateDiff('millisecond', t[i - 1], t[i])),
                    (t[i], 'reply', toInt64(-1))), arrayEnumerate(k))),
            if(cl > 0, [(t[cl], 'resolution', dateDiff('millisecond', t[1], t[cl]))], [])) AS ds
    FROM events WHERE occurred_at >= {from} - INTERVAL 1 DAY AND occurred_at < {to}
    GROUP BY tenant, channel, account_id, customer_id
) ARRAY JOIN ds AS d WHERE d.1 >= {from}`

func percentiles(kind string) string {
	return `SELECT toStartOfInterval(ended_at, INTERVAL {iv} second) AS time,
    quantileExactLow(0.5)(ms) AS p50_ms, quantileExactLow(0.9)(ms) AS p90_ms, quantileExactLow(0.99)(ms) AS p99_ms
FROM (` + rawDurations + `) WHERE kind = '` + kind + `' GROUP BY time ORDER BY time`
}

func liveCases(status string) string {
	return `SELECT conversation_id, tenant, channel, status, opened_at, last_customer_message_at
FROM (` + rawStatus + `) WHERE status IN (` + status + `) ORDER BY opened_at LIMIT 500`
}

// rawEquivalents maps a panel title to its raw-events query. Panels over
// the pipeline's own tables (watermarks, dead letters, parts) have none.
var rawEquivalents = map[string]string{
	"Events received per interval": `SELECT toStartOfInterval(received_at, INTERVAL {iv} second) AS time, channel, count() AS events
FROM events WHERE received_at >= {from} AND received_at <= {to}
GROUP BY time, channel ORDER BY time SETTINGS optimize_use_projections = 0`,
	"Indicators for the period (as of its end)": `SELECT count() AS total, countIf(status = 'active') AS active,
    countIf(status = 'queued') AS queued, 0 AS to_recover, 0 AS expired, countIf(is_attended) AS attended,
    countIf(is_routed AND NOT is_attended) AS unattended, countIf(is_transferred) AS transferred,
    countIf(is_closed AND closed_at >= {from}) AS closed
FROM (` + rawStatus + `) WHERE NOT (is_closed AND closed_at < {from})`,
	"Open cases now (each partition's latest snapshot)": `SELECT countIf(status = 'bot') AS bot, countIf(status = 'queued') AS queued,
    countIf(status = 'active') AS active, 0 AS to_recover, 0 AS expired FROM (` + rawStatus + `)`,
	"Conversations opened and closed": `SELECT toStartOfInterval(e.1, INTERVAL {iv} second) AS time,
    sum(e.2) AS opened, sum(e.3) AS closed, sum(e.4) AS transfers
FROM (
    SELECT arrayJoin(arrayConcat([(min(occurred_at), 1, 0, 0)],
        arrayMap(t -> (t, 0, 1, 0), groupArrayIf(occurred_at, kind = 'conversation.closed')),
        arrayMap(t -> (t, 0, 0, 1), groupArrayIf(occurred_at, kind = 'conversation.transferred')))) AS e
    FROM events WHERE occurred_at >= {from} - INTERVAL 1 DAY AND occurred_at < {to}
    GROUP BY tenant, channel, account_id, customer_id
) WHERE e.1 >= {from} GROUP BY time ORDER BY time`,
	"Service level (first responses within target)": `SELECT toStartOfInterval(ended_at, INTERVAL {iv} second) AS time,
    countIf(ms <= 60000) / count() AS service_level
FROM (` + rawDurations + `) WHERE kind = 'first_response' GROUP BY time ORDER BY time`,
	"First response time p50 / p90 / p99, calendar and business (ms)": percentiles("first_response"),
	"Reply time p50 / p90 / p99, calendar and business (ms)":          percentiles("reply"),
	"Resolution time p50 / p90 / p99, calendar and business (ms)":     percentiles("resolution"),
	"Average times, calendar and business (ms)": `SELECT toStartOfInterval(ended_at, INTERVAL {iv} second) AS time,
    avgIf(ms, kind = 'first_response') AS first_response_avg_ms, avgIf(ms, kind = 'reply') AS reply_avg_ms,
    avgIf(ms, kind = 'resolution') AS resolution_avg_ms
FROM (` + rawDurations + `) GROUP BY time ORDER BY time`,
	"Current cases (active and assigned, oldest support start first)": liveCases("'active'"),
	"Queued cases (longest wait first)":                               liveCases("'queued'"),
	"To recover (least window time left first)":                       liveCases("'to_recover'"),
}

// rawQuery returns title's raw-events query with its parameters filled.
func rawQuery(title, from, to, iv string) (string, bool) {
	q, ok := rawEquivalents[title]
	if !ok {
		return "", false
	}
	return strings.NewReplacer("{from}", from, "{to}", to, "{iv}", iv).Replace(q), true
}
