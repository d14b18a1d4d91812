-- The status history of every conversation, as intervals. Keyed by the
-- conversation only: a retraction (deleted = 1) carries no tenant.
CREATE TABLE IF NOT EXISTS status_history
(
    conversation_id String COMMENT 'conversation id',
    seq Int32 COMMENT 'position of the interval in the conversation''s history',
    version UInt64 COMMENT 'a higher version of the same (conversation_id, seq) replaces the older one',
    deleted UInt8 COMMENT '1 when a late event retracted the interval; FINAL hides such rows',
    tenant LowCardinality(String) COMMENT 'tenant (company)',
    channel LowCardinality(String) COMMENT 'channel',
    interaction_type LowCardinality(String) COMMENT 'interaction type during the interval',
    team LowCardinality(String) COMMENT 'team during the interval',
    operator LowCardinality(String) COMMENT 'operator during the interval',
    status LowCardinality(String) COMMENT 'bot, queued, active, to_recover, expired or closed',
    recover_reason LowCardinality(String) COMMENT 'reason when status is to_recover',
    valid_from DateTime64(3, 'UTC') COMMENT 'event time the status began',
    valid_to Nullable(DateTime64(3, 'UTC')) COMMENT 'event time the status ended; NULL while it holds',
    INDEX tenant_idx tenant TYPE set(256) GRANULARITY 4,
    INDEX from_idx valid_from TYPE minmax GRANULARITY 4
)
ENGINE = ReplacingMergeTree(version, deleted)
ORDER BY (conversation_id, seq)
SETTINGS non_replicated_deduplication_window = 1000
COMMENT 'status intervals [valid_from, valid_to) of every conversation, from floorwatch.status-changes';
