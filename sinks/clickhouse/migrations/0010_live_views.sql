-- Live views: the open cases now, as supervisors and the Grafana live-cases
-- dashboard read them (docs/tables.md, "Live views"). They read the latest
-- state only; for a past instant use conversations_as_of and status_history.

-- gauges_latest: each processor partition's latest snapshot of each segment.
-- Every partition stamps snapshots with its own event-time clock, so one
-- global "latest at" would keep only the partitions whose clock is the
-- furthest; a segment that dropped to zero is written once with zeros, so
-- its latest row is zero and it is left out here. Sum over partitions for
-- the open cases now.
CREATE VIEW IF NOT EXISTS gauges_latest
(
    partition Int32 COMMENT 'processor partition that took the snapshot',
    tenant LowCardinality(String) COMMENT 'tenant (company)',
    channel LowCardinality(String) COMMENT 'channel',
    interaction_type LowCardinality(String) COMMENT 'interaction type',
    team LowCardinality(String) COMMENT 'team',
    operator LowCardinality(String) COMMENT 'operator',
    at DateTime64(3, 'UTC') COMMENT 'event time of the partition''s latest snapshot of the segment (its own clock)',
    bot Int64 COMMENT 'open conversations still in the bot',
    queued Int64 COMMENT 'conversations waiting in a queue',
    active Int64 COMMENT 'conversations with an operator',
    to_recover Int64 COMMENT 'conversations to recover',
    expired Int64 COMMENT 'conversations past their support window with a customer waiting'
) AS
SELECT partition, tenant, channel, interaction_type, team, operator, at,
    s.1 AS bot, s.2 AS queued, s.3 AS active, s.4 AS to_recover, s.5 AS expired
FROM (
    SELECT g.partition AS partition, g.tenant AS tenant, g.channel AS channel,
        g.interaction_type AS interaction_type, g.team AS team, g.operator AS operator,
        max(g.at) AS at, argMax(tuple(g.bot, g.queued, g.active, g.to_recover, g.expired), g.at) AS s
    FROM gauges AS g
    GROUP BY partition, tenant, channel, interaction_type, team, operator
)
WHERE bot + queued + active + to_recover + expired != 0;

-- watermarks_latest: each partition's latest watermark. The lowest of them
-- is how far every output is complete (the report's complete_until, the
-- dashboards' freshness).
CREATE VIEW IF NOT EXISTS watermarks_latest
(
    topic LowCardinality(String) COMMENT 'input topic whose partition the watermark describes',
    partition Int32 COMMENT 'partition',
    complete_until DateTime64(3, 'UTC') COMMENT 'outputs of this partition are final up to this event time (its latest watermark)',
    at DateTime64(3, 'UTC') COMMENT 'wall time the latest watermark was written'
) AS
SELECT topic, partition, max(w.complete_until) AS complete_until, max(w.at) AS at
FROM watermarks AS w
GROUP BY topic, partition;

-- live_cases: every open case in human support (queued, active, to_recover,
-- expired) with the columns of a case in the supervisor API (SPEC 4.1).
CREATE VIEW IF NOT EXISTS live_cases
(
    conversation_id String COMMENT 'conversation id',
    tenant LowCardinality(String) COMMENT 'tenant (company)',
    channel LowCardinality(String) COMMENT 'origin channel: whatsapp, messenger, instagram or x',
    account_id String COMMENT 'business side: phone_number_id, page id, Instagram account id, X user id',
    customer_id String COMMENT 'customer: wa_id or BSUID, PSID, IGSID, X user id',
    interaction_type LowCardinality(String) COMMENT 'interaction type',
    team LowCardinality(String) COMMENT 'current team',
    operator LowCardinality(String) COMMENT 'current operator; empty when unassigned',
    status LowCardinality(String) COMMENT 'queued, active, to_recover or expired',
    reason LowCardinality(String) COMMENT 'recover reason when to_recover (outside_business_hours, operator_unavailable, unanswered), else empty',
    management_status String COMMENT 'awaiting_first_response (no first response yet), customer_waiting (a customer wait is open) or answered',
    opened_at DateTime64(3, 'UTC') COMMENT 'first event of the conversation',
    support_started_at Nullable(DateTime64(3, 'UTC')) COMMENT 'when human support began (routed_at)',
    assigned_at Nullable(DateTime64(3, 'UTC')) COMMENT 'first assignment',
    waiting_since Nullable(DateTime64(3, 'UTC')) COMMENT 'start of the open customer wait; NULL when none is open',
    last_customer_message_at Nullable(DateTime64(3, 'UTC')) COMMENT 'latest customer message',
    window_expires_at Nullable(DateTime64(3, 'UTC')) COMMENT 'support window end; NULL for channels without one',
    attended Bool COMMENT 'an operator acted on it (reply, transfer, close by an operator)',
    transfers UInt64 COMMENT 'transfers so far'
) AS
SELECT conversation_id, tenant, channel, account_id, customer_id, interaction_type, team, operator, status,
    if(status = 'to_recover', recover_reason, '') AS reason,
    multiIf(first_response_at IS NULL, 'awaiting_first_response',
            wait_started_at IS NOT NULL, 'customer_waiting', 'answered') AS management_status,
    opened_at, routed_at AS support_started_at, assigned_at, wait_started_at AS waiting_since,
    last_customer_message_at, window_expires_at, toBool(attended_at IS NOT NULL) AS attended,
    length(transfer_times) AS transfers
FROM conversations FINAL
WHERE status IN ('queued', 'active', 'to_recover', 'expired');

-- live_current: the seed's "current cases", active and assigned to an
-- operator, by support start (oldest first), ties by conversation id.
CREATE VIEW IF NOT EXISTS live_current
(
    conversation_id String COMMENT 'conversation id',
    tenant LowCardinality(String) COMMENT 'tenant (company)',
    channel LowCardinality(String) COMMENT 'origin channel: whatsapp, messenger, instagram or x',
    account_id String COMMENT 'business side: phone_number_id, page id, Instagram account id, X user id',
    customer_id String COMMENT 'customer: wa_id or BSUID, PSID, IGSID, X user id',
    interaction_type LowCardinality(String) COMMENT 'interaction type',
    team LowCardinality(String) COMMENT 'current team',
    operator LowCardinality(String) COMMENT 'current operator; empty when unassigned',
    status LowCardinality(String) COMMENT 'queued, active, to_recover or expired',
    reason LowCardinality(String) COMMENT 'recover reason when to_recover (outside_business_hours, operator_unavailable, unanswered), else empty',
    management_status String COMMENT 'awaiting_first_response (no first response yet), customer_waiting (a customer wait is open) or answered',
    opened_at DateTime64(3, 'UTC') COMMENT 'first event of the conversation',
    support_started_at Nullable(DateTime64(3, 'UTC')) COMMENT 'when human support began (routed_at)',
    assigned_at Nullable(DateTime64(3, 'UTC')) COMMENT 'first assignment',
    waiting_since Nullable(DateTime64(3, 'UTC')) COMMENT 'start of the open customer wait; NULL when none is open',
    last_customer_message_at Nullable(DateTime64(3, 'UTC')) COMMENT 'latest customer message',
    window_expires_at Nullable(DateTime64(3, 'UTC')) COMMENT 'support window end; NULL for channels without one',
    attended Bool COMMENT 'an operator acted on it (reply, transfer, close by an operator)',
    transfers UInt64 COMMENT 'transfers so far'
) AS
SELECT *
FROM live_cases
WHERE status = 'active' AND operator != ''
ORDER BY support_started_at, conversation_id;

-- live_queued(now): queued cases with queued_since, since when each waits in
-- its current queue, and wait_age_ms = now - queued_since, longest wait
-- first. The conversation row has no queued_since yet: it is the start of
-- the current queued interval of the status history (a transfer from one
-- queue to another does not start a new interval, so it then counts from
-- the first queue); while the history lags behind the row, the start of
-- the latest queued interval, else support_started_at.
CREATE VIEW IF NOT EXISTS live_queued AS
WITH history AS (
    SELECT conversation_id,
        argMax(tuple(status, valid_from), seq) AS last,
        maxIf(valid_from, status = 'queued') AS last_queued_from,
        countIf(status = 'queued') AS queued_intervals
    FROM status_history FINAL
    WHERE conversation_id IN (SELECT conversation_id FROM conversations FINAL WHERE status = 'queued')
    GROUP BY conversation_id
)
SELECT c.*,
    multiIf(h.last.1 = 'queued', h.last.2, h.queued_intervals > 0, h.last_queued_from,
            ifNull(c.support_started_at, c.opened_at)) AS queued_since,
    dateDiff('millisecond', queued_since, {now:DateTime64(3)}) AS wait_age_ms
FROM live_cases AS c
LEFT JOIN history AS h ON h.conversation_id = c.conversation_id
WHERE c.status = 'queued'
ORDER BY queued_since, conversation_id;

-- live_to_recover(now): cases to recover with their reason and the time
-- left in the support window at now (NULL for channels without one),
-- soonest expiry first, no window last, ties by conversation id.
CREATE VIEW IF NOT EXISTS live_to_recover AS
SELECT *,
    if(window_expires_at IS NULL, NULL, dateDiff('millisecond', {now:DateTime64(3)}, window_expires_at)) AS window_left_ms
FROM live_cases
WHERE status = 'to_recover'
ORDER BY window_expires_at ASC NULLS LAST, conversation_id;
