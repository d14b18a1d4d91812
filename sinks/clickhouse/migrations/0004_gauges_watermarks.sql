-- Gauge snapshots of open cases and the event-time completeness of outputs.
CREATE TABLE IF NOT EXISTS gauges
(
    at DateTime64(3, 'UTC') COMMENT 'event time of the snapshot' CODEC(DoubleDelta, ZSTD(1)),
    partition Int32 COMMENT 'processor partition that took it; sum over partitions for the total',
    tenant LowCardinality(String) COMMENT 'tenant (company)',
    channel LowCardinality(String) COMMENT 'channel',
    interaction_type LowCardinality(String) COMMENT 'interaction type',
    team LowCardinality(String) COMMENT 'team',
    operator LowCardinality(String) COMMENT 'operator',
    bot Int64 COMMENT 'open conversations still in the bot' CODEC(T64, ZSTD(1)),
    queued Int64 COMMENT 'conversations waiting in a queue' CODEC(T64, ZSTD(1)),
    active Int64 COMMENT 'conversations with an operator' CODEC(T64, ZSTD(1)),
    to_recover Int64 COMMENT 'conversations to recover' CODEC(T64, ZSTD(1)),
    expired Int64 COMMENT 'conversations past their support window with a customer waiting' CODEC(T64, ZSTD(1))
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (tenant, at, partition, channel, interaction_type, team, operator)
SETTINGS non_replicated_deduplication_window = 1000
COMMENT 'open-case counts per segment at a fixed interval, from floorwatch.gauges';

CREATE TABLE IF NOT EXISTS watermarks
(
    topic LowCardinality(String) COMMENT 'input topic whose partition the watermark describes',
    partition Int32 COMMENT 'partition',
    complete_until DateTime64(3, 'UTC') COMMENT 'outputs of this partition are final up to this event time',
    at DateTime64(3, 'UTC') COMMENT 'wall time the watermark was written'
)
ENGINE = MergeTree
ORDER BY (topic, partition, at)
TTL toDateTime(at) + INTERVAL 30 DAY
SETTINGS non_replicated_deduplication_window = 1000
COMMENT 'event-time completeness per partition over time, from floorwatch.watermarks';
