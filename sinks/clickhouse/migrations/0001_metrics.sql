-- Per-minute, per-segment sums of the processors' MetricDelta records, and
-- their hourly and daily rollups. Rows with the same minute and segment are
-- summed by background merges: always read them with sum()/sumMap().
CREATE TABLE IF NOT EXISTS metrics_minute
(
    minute DateTime('UTC') COMMENT 'start of the minute, event time, UTC' CODEC(DoubleDelta, ZSTD(1)),
    tenant LowCardinality(String) COMMENT 'tenant (company) the conversations belong to',
    channel LowCardinality(String) COMMENT 'whatsapp, messenger, instagram or x',
    interaction_type LowCardinality(String) COMMENT 'interaction type of the conversations (default messaging)',
    team LowCardinality(String) COMMENT 'team at the time of the counted event; empty before routing',
    operator LowCardinality(String) COMMENT 'operator at the time of the counted event; empty when none',
    opened Int64 COMMENT 'conversations opened in the minute (by opened_at)' CODEC(T64, ZSTD(1)),
    closed Int64 COMMENT 'conversations closed in the minute (by closed_at)' CODEC(T64, ZSTD(1)),
    transfers Int64 COMMENT 'transfer events in the minute' CODEC(T64, ZSTD(1)),
    first_response_within_target Int64 COMMENT 'first responses within the team service-level target' CODEC(T64, ZSTD(1)),
    first_response_count Int64 COMMENT 'first responses that ended in the minute' CODEC(T64, ZSTD(1)),
    first_response_sum_ms Int64 COMMENT 'sum of first response times, calendar ms' CODEC(T64, ZSTD(1)),
    first_response_business_sum_ms Int64 COMMENT 'sum of first response times, business-hours ms' CODEC(T64, ZSTD(1)),
    first_response_buckets SimpleAggregateFunction(sumMap, Map(Int32, Int64)) COMMENT 'sketch bucket (schemas.SketchBucket of calendar ms) -> count',
    reply_count Int64 COMMENT 'reply turns that ended in the minute' CODEC(T64, ZSTD(1)),
    reply_sum_ms Int64 COMMENT 'sum of reply times, calendar ms' CODEC(T64, ZSTD(1)),
    reply_business_sum_ms Int64 COMMENT 'sum of reply times, business-hours ms' CODEC(T64, ZSTD(1)),
    reply_buckets SimpleAggregateFunction(sumMap, Map(Int32, Int64)) COMMENT 'sketch bucket -> count of reply times',
    resolution_count Int64 COMMENT 'resolutions (closes) in the minute' CODEC(T64, ZSTD(1)),
    resolution_sum_ms Int64 COMMENT 'sum of resolution times, calendar ms' CODEC(T64, ZSTD(1)),
    resolution_business_sum_ms Int64 COMMENT 'sum of resolution times, business-hours ms' CODEC(T64, ZSTD(1)),
    resolution_buckets SimpleAggregateFunction(sumMap, Map(Int32, Int64)) COMMENT 'sketch bucket -> count of resolution times'
)
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (tenant, minute, channel, interaction_type, team, operator)
SETTINGS non_replicated_deduplication_window = 1000
COMMENT 'per-minute, per-segment metric sums written by floorwatch sink from floorwatch.metrics';

CREATE TABLE IF NOT EXISTS metrics_hour AS metrics_minute
ENGINE = SummingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (tenant, minute, channel, interaction_type, team, operator)
SETTINGS non_replicated_deduplication_window = 1000
COMMENT 'metrics_minute rolled up per hour (minute holds the start of the hour, UTC)';

CREATE TABLE IF NOT EXISTS metrics_day AS metrics_minute
ENGINE = SummingMergeTree
PARTITION BY toYear(minute)
ORDER BY (tenant, minute, channel, interaction_type, team, operator)
SETTINGS non_replicated_deduplication_window = 1000
COMMENT 'metrics_minute rolled up per UTC day (minute holds the start of the day)';

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hour_mv TO metrics_hour AS
SELECT toStartOfHour(minute) AS minute, tenant, channel, interaction_type, team, operator,
       opened, closed, transfers, first_response_within_target,
       first_response_count, first_response_sum_ms, first_response_business_sum_ms, first_response_buckets,
       reply_count, reply_sum_ms, reply_business_sum_ms, reply_buckets,
       resolution_count, resolution_sum_ms, resolution_business_sum_ms, resolution_buckets
FROM metrics_minute;

CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_day_mv TO metrics_day AS
SELECT toStartOfDay(minute) AS minute, tenant, channel, interaction_type, team, operator,
       opened, closed, transfers, first_response_within_target,
       first_response_count, first_response_sum_ms, first_response_business_sum_ms, first_response_buckets,
       reply_count, reply_sum_ms, reply_business_sum_ms, reply_buckets,
       resolution_count, resolution_sum_ms, resolution_business_sum_ms, resolution_buckets
FROM metrics_minute;
