-- What a supervisor's live desk needs beyond 0010: since when each case
-- waits in its current queue (from the processors), the customer's name
-- when the channel gives one, each operator's presence, and the marks of
-- a clamped event time (SPEC 2.2.1).

ALTER TABLE conversations ADD COLUMN IF NOT EXISTS queued_since Nullable(DateTime64(3, 'UTC'))
    COMMENT 'since when it waits in its current queue (routed, or transferred or recovered without an operator); NULL when an operator has it or it is not in human support'
    AFTER wait_started_at;

ALTER TABLE events ADD COLUMN IF NOT EXISTS customer_name String
    COMMENT 'name the channel gives the customer (WhatsApp contact profile), or empty'
    AFTER customer_alt_id;

ALTER TABLE events ADD COLUMN IF NOT EXISTS clamped Bool
    COMMENT 'the body claimed an occurred_at later than its arrival plus ingest.max_future_skew: occurred_at is the arrival time'
    AFTER to_operator;

ALTER TABLE events ADD COLUMN IF NOT EXISTS original_occurred_at Nullable(DateTime64(3, 'UTC'))
    COMMENT 'the occurred_at the body claimed, when clamped'
    AFTER clamped;

-- customers: the latest name each channel gave each customer.
CREATE TABLE IF NOT EXISTS customers
(
    tenant LowCardinality(String) COMMENT 'tenant (company)',
    channel LowCardinality(String) COMMENT 'channel',
    account_id String COMMENT 'business side id',
    customer_id String COMMENT 'customer side id',
    customer_name String COMMENT 'name the channel gave the customer',
    updated_at DateTime64(3, 'UTC') COMMENT 'time of the event that carried it'
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (tenant, channel, account_id, customer_id)
SETTINGS non_replicated_deduplication_window = 1000
COMMENT 'latest customer name per conversation key, fed from events by customers_mv; read with FINAL';

CREATE MATERIALIZED VIEW IF NOT EXISTS customers_mv TO customers AS
SELECT tenant, channel, account_id, customer_id, customer_name, occurred_at AS updated_at
FROM events
WHERE customer_name != '';

-- operator_status: every operator.status event (presence), from the
-- operator-status topic. A redelivered event replaces itself.
CREATE TABLE IF NOT EXISTS operator_status
(
    tenant LowCardinality(String) COMMENT 'tenant (company)',
    operator LowCardinality(String) COMMENT 'operator',
    team LowCardinality(String) COMMENT 'team the platform named with the status, or empty',
    status LowCardinality(String) COMMENT 'available, away or offline',
    occurred_at DateTime64(3, 'UTC') COMMENT 'when the status took effect (platform time)',
    received_at DateTime64(3, 'UTC') COMMENT 'when ingest received it',
    id String COMMENT 'platform event id'
)
ENGINE = ReplacingMergeTree
ORDER BY (tenant, operator, occurred_at, id)
SETTINGS non_replicated_deduplication_window = 1000
COMMENT 'operator presence over time; an operator''s latest row is their status now';

-- operators_latest: each operator's latest status and since when it holds
-- (the first event of the latest run of that same status).
CREATE VIEW IF NOT EXISTS operators_latest
(
    tenant LowCardinality(String) COMMENT 'tenant (company)',
    operator LowCardinality(String) COMMENT 'operator',
    team LowCardinality(String) COMMENT 'latest team the platform named with a status, or empty',
    status LowCardinality(String) COMMENT 'available, away or offline',
    since DateTime64(3, 'UTC') COMMENT 'since when that status holds'
) AS
SELECT tenant, operator, argMaxIf(s.team, (s.occurred_at, s.id), s.team != '') AS team,
    argMax(s.status, (s.occurred_at, s.id)) AS status, maxIf(s.occurred_at, s.status != s.previous) AS since
FROM (
    SELECT tenant, operator, team, status, occurred_at, id,
        lagInFrame(status, 1, '') OVER (PARTITION BY tenant, operator ORDER BY occurred_at, id
            ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS previous
    FROM operator_status FINAL
) AS s
GROUP BY tenant, operator;

-- live_cases, live_current, live_queued, live_to_recover again, with the
-- customer's name and the processors' queued_since.
CREATE OR REPLACE VIEW live_cases
(
    conversation_id String COMMENT 'conversation id',
    tenant LowCardinality(String) COMMENT 'tenant (company)',
    channel LowCardinality(String) COMMENT 'origin channel: whatsapp, messenger, instagram or x',
    account_id String COMMENT 'business side: phone_number_id, page id, Instagram account id, X user id',
    customer_id String COMMENT 'customer: wa_id or BSUID, PSID, IGSID, X user id',
    customer_name Nullable(String) COMMENT 'name the channel gives the customer, NULL when none',
    interaction_type LowCardinality(String) COMMENT 'interaction type',
    team LowCardinality(String) COMMENT 'current team',
    operator LowCardinality(String) COMMENT 'current operator; empty when unassigned',
    status LowCardinality(String) COMMENT 'queued, active, to_recover or expired',
    reason LowCardinality(String) COMMENT 'recover reason when to_recover (outside_business_hours, operator_unavailable, unanswered), else empty',
    management_status String COMMENT 'awaiting_first_response (no first response yet), customer_waiting (a customer wait is open) or answered',
    opened_at DateTime64(3, 'UTC') COMMENT 'first event of the conversation',
    support_started_at Nullable(DateTime64(3, 'UTC')) COMMENT 'when human support began (routed_at)',
    assigned_at Nullable(DateTime64(3, 'UTC')) COMMENT 'first assignment',
    queued_since Nullable(DateTime64(3, 'UTC')) COMMENT 'since when it waits in its current queue; NULL when an operator has it',
    waiting_since Nullable(DateTime64(3, 'UTC')) COMMENT 'start of the open customer wait; NULL when none is open',
    last_customer_message_at Nullable(DateTime64(3, 'UTC')) COMMENT 'latest customer message',
    window_expires_at Nullable(DateTime64(3, 'UTC')) COMMENT 'support window end; NULL for channels without one',
    attended Bool COMMENT 'an operator acted on it (reply, transfer, close by an operator)',
    transfers UInt64 COMMENT 'transfers so far',
    first_response_at Nullable(DateTime64(3, 'UTC')) COMMENT 'first operator reply; NULL before it',
    complete_until DateTime64(3, 'UTC') COMMENT 'event time up to which the row is final'
) AS
SELECT c.conversation_id AS conversation_id, c.tenant AS tenant, c.channel AS channel, c.account_id AS account_id,
    c.customer_id AS customer_id, nullIf(n.customer_name, '') AS customer_name,
    c.interaction_type AS interaction_type, c.team AS team, c.operator AS operator, c.status AS status,
    if(c.status = 'to_recover', c.recover_reason, '') AS reason,
    multiIf(c.first_response_at IS NULL, 'awaiting_first_response',
            c.wait_started_at IS NOT NULL, 'customer_waiting', 'answered') AS management_status,
    c.opened_at AS opened_at, c.routed_at AS support_started_at, c.assigned_at AS assigned_at,
    if(c.operator = '', c.queued_since, NULL) AS queued_since, c.wait_started_at AS waiting_since,
    c.last_customer_message_at AS last_customer_message_at, c.window_expires_at AS window_expires_at,
    toBool(c.attended_at IS NOT NULL) AS attended, length(c.transfer_times) AS transfers,
    c.first_response_at AS first_response_at, c.complete_until AS complete_until
FROM (SELECT * FROM conversations FINAL WHERE status IN ('queued', 'active', 'to_recover', 'expired')) AS c
LEFT JOIN (SELECT tenant, channel, account_id, customer_id, customer_name FROM customers FINAL) AS n
    ON n.tenant = c.tenant AND n.channel = c.channel AND n.account_id = c.account_id AND n.customer_id = c.customer_id
SETTINGS join_use_nulls = 0;

CREATE OR REPLACE VIEW live_current
(
    conversation_id String COMMENT 'conversation id',
    tenant LowCardinality(String) COMMENT 'tenant (company)',
    channel LowCardinality(String) COMMENT 'origin channel: whatsapp, messenger, instagram or x',
    account_id String COMMENT 'business side: phone_number_id, page id, Instagram account id, X user id',
    customer_id String COMMENT 'customer: wa_id or BSUID, PSID, IGSID, X user id',
    customer_name Nullable(String) COMMENT 'name the channel gives the customer, NULL when none',
    interaction_type LowCardinality(String) COMMENT 'interaction type',
    team LowCardinality(String) COMMENT 'current team',
    operator LowCardinality(String) COMMENT 'current operator; empty when unassigned',
    status LowCardinality(String) COMMENT 'queued, active, to_recover or expired',
    reason LowCardinality(String) COMMENT 'recover reason when to_recover (outside_business_hours, operator_unavailable, unanswered), else empty',
    management_status String COMMENT 'awaiting_first_response (no first response yet), customer_waiting (a customer wait is open) or answered',
    opened_at DateTime64(3, 'UTC') COMMENT 'first event of the conversation',
    support_started_at Nullable(DateTime64(3, 'UTC')) COMMENT 'when human support began (routed_at)',
    assigned_at Nullable(DateTime64(3, 'UTC')) COMMENT 'first assignment',
    queued_since Nullable(DateTime64(3, 'UTC')) COMMENT 'since when it waits in its current queue; NULL when an operator has it',
    waiting_since Nullable(DateTime64(3, 'UTC')) COMMENT 'start of the open customer wait; NULL when none is open',
    last_customer_message_at Nullable(DateTime64(3, 'UTC')) COMMENT 'latest customer message',
    window_expires_at Nullable(DateTime64(3, 'UTC')) COMMENT 'support window end; NULL for channels without one',
    attended Bool COMMENT 'an operator acted on it (reply, transfer, close by an operator)',
    transfers UInt64 COMMENT 'transfers so far',
    first_response_at Nullable(DateTime64(3, 'UTC')) COMMENT 'first operator reply; NULL before it',
    complete_until DateTime64(3, 'UTC') COMMENT 'event time up to which the row is final'
) AS
SELECT *
FROM live_cases
WHERE status = 'active' AND operator != ''
ORDER BY support_started_at, conversation_id;

-- live_queued(now): queued cases, longest wait in their current queue first.
CREATE OR REPLACE VIEW live_queued AS
SELECT * REPLACE (coalesce(queued_since, support_started_at, opened_at) AS queued_since),
    dateDiff('millisecond', coalesce(queued_since, support_started_at, opened_at), {now:DateTime64(3)}) AS wait_age_ms
FROM live_cases
WHERE status = 'queued'
ORDER BY queued_since, conversation_id;

CREATE OR REPLACE VIEW live_to_recover AS
SELECT *,
    if(window_expires_at IS NULL, NULL, dateDiff('millisecond', {now:DateTime64(3)}, window_expires_at)) AS window_left_ms
FROM live_cases
WHERE status = 'to_recover'
ORDER BY window_expires_at ASC NULLS LAST, conversation_id;
