-- One current row per conversation, and the durations each one produced.
-- Both replace by version: read them with FINAL (or argMax by version).
CREATE TABLE IF NOT EXISTS conversations
(
    conversation_id String COMMENT 'id floorwatch assigned when the conversation opened',
    version UInt64 COMMENT 'grows with every change; the highest version is the current row',
    deleted UInt8 COMMENT '1 when a late event retracted the conversation; FINAL hides such rows',
    tenant LowCardinality(String) COMMENT 'tenant (company)',
    channel LowCardinality(String) COMMENT 'whatsapp, messenger, instagram or x',
    account_id String COMMENT 'business side: phone_number_id, page id, Instagram account id, X user id',
    customer_id String COMMENT 'customer side: wa_id or BSUID, PSID, IGSID, X user id',
    interaction_type LowCardinality(String) COMMENT 'interaction type (default messaging)',
    team LowCardinality(String) COMMENT 'current team; empty before routing',
    operator LowCardinality(String) COMMENT 'current operator; empty when unassigned',
    status LowCardinality(String) COMMENT 'bot, queued, active, to_recover, expired or closed',
    recover_reason LowCardinality(String) COMMENT 'outside_business_hours, operator_unavailable or unanswered when status is to_recover',
    opened_at DateTime64(3, 'UTC') COMMENT 'first event of the conversation',
    routed_at Nullable(DateTime64(3, 'UTC')) COMMENT 'first conversation.routed; NULL while in the bot',
    assigned_at Nullable(DateTime64(3, 'UTC')) COMMENT 'first assignment (or first reply without one)',
    attended_at Nullable(DateTime64(3, 'UTC')) COMMENT 'first operator action (reply, transfer, close by an operator)',
    first_response_at Nullable(DateTime64(3, 'UTC')) COMMENT 'first operator.replied',
    last_customer_message_at Nullable(DateTime64(3, 'UTC')) COMMENT 'latest customer message',
    wait_started_at Nullable(DateTime64(3, 'UTC')) COMMENT 'start of the open customer wait; NULL when none is open',
    window_expires_at Nullable(DateTime64(3, 'UTC')) COMMENT 'support window end (last customer message + channel window); NULL for channels without one',
    closed_at Nullable(DateTime64(3, 'UTC')) COMMENT 'close time; NULL while open',
    closed_by LowCardinality(String) COMMENT 'operator who closed, system for an idle close, empty otherwise',
    last_event_at DateTime64(3, 'UTC') COMMENT 'latest event applied',
    transfer_times Array(DateTime64(3, 'UTC')) COMMENT 'time of every transfer',
    first_response_ms Nullable(Int64) COMMENT 'first response time, calendar ms; NULL before the first response',
    first_response_business_ms Nullable(Int64) COMMENT 'first response time counting only business hours, ms',
    resolution_ms Nullable(Int64) COMMENT 'resolution time (closed_at - opened_at), calendar ms; NULL while open',
    resolution_business_ms Nullable(Int64) COMMENT 'resolution time counting only business hours, ms',
    reply_count Int64 COMMENT 'reply turns so far',
    reply_sum_ms Int64 COMMENT 'sum of reply times, calendar ms',
    reply_business_sum_ms Int64 COMMENT 'sum of reply times, business-hours ms',
    complete_until DateTime64(3, 'UTC') COMMENT 'event time up to which this row is final',
    INDEX tenant_idx tenant TYPE set(256) GRANULARITY 4,
    INDEX opened_idx opened_at TYPE minmax GRANULARITY 4,
    INDEX status_idx status TYPE set(8) GRANULARITY 4
)
ENGINE = ReplacingMergeTree(version, deleted)
ORDER BY conversation_id
SETTINGS non_replicated_deduplication_window = 1000
COMMENT 'latest state of every conversation, from floorwatch.conversations';

CREATE TABLE IF NOT EXISTS durations
(
    conversation_id String COMMENT 'conversation that produced the duration',
    version UInt64 COMMENT 'version of the conversation row that carried it; only the latest version counts',
    kind LowCardinality(String) COMMENT 'first_response, reply or resolution',
    seq UInt32 COMMENT 'position in the conversation''s list of durations',
    tenant LowCardinality(String) COMMENT 'tenant (company)',
    channel LowCardinality(String) COMMENT 'channel of the conversation',
    interaction_type LowCardinality(String) COMMENT 'interaction type of the conversation',
    team LowCardinality(String) COMMENT 'team that ended the duration',
    operator LowCardinality(String) COMMENT 'operator that ended the duration',
    ended_at DateTime64(3, 'UTC') COMMENT 'when the duration ended (reply or close time)',
    ms Int64 COMMENT 'calendar duration, ms',
    business_ms Int64 COMMENT 'duration counting only the team''s business hours, ms',
    target_ms Int64 COMMENT 'service-level target of the team for first responses (from config when written); 0 for other kinds',
    INDEX ended_idx ended_at TYPE minmax GRANULARITY 4
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant, conversation_id, kind, seq)
SETTINGS non_replicated_deduplication_window = 1000
COMMENT 'one row per first response, reply turn and resolution, for exact percentiles';
