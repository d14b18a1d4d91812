-- Business-time sketches and the bounds of each minute's durations, so that
-- dashboards read business percentiles and clamp every percentile to the
-- smallest and largest duration of its set (SPEC 3). Bounds merge with min
-- and max (SimpleAggregateFunction, which SummingMergeTree merges with its
-- function). A minute whose deltas added no duration holds the identity
-- (min 9223372036854775807, max 0); rows written before this migration that hold
-- durations read as unknown bounds (min 0, max 9223372036854775807): a clamp to them
-- changes nothing, so it never rests on a guess. Retractions never narrow
-- the bounds (docs/indicators.md).
ALTER TABLE metrics_minute
    ADD COLUMN IF NOT EXISTS first_response_business_buckets SimpleAggregateFunction(sumMap, Map(Int32, Int64)) COMMENT 'sketch bucket (schemas.SketchBucket of business-hours ms) -> count of first response times',
    ADD COLUMN IF NOT EXISTS first_response_min_ms SimpleAggregateFunction(min, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(first_response_buckets)), 0, 9223372036854775807) COMMENT 'smallest of the first response times added, calendar ms; 9223372036854775807 when none; 0 on rows written before bounds (unknown: no clamp)',
    ADD COLUMN IF NOT EXISTS first_response_max_ms SimpleAggregateFunction(max, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(first_response_buckets)), 9223372036854775807, 0) COMMENT 'largest of the first response times added, calendar ms; 0 when none; 9223372036854775807 on rows written before bounds (unknown: no clamp)',
    ADD COLUMN IF NOT EXISTS first_response_business_min_ms SimpleAggregateFunction(min, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(first_response_buckets)), 0, 9223372036854775807) COMMENT 'smallest of the first response times added, business-hours ms (same conventions)',
    ADD COLUMN IF NOT EXISTS first_response_business_max_ms SimpleAggregateFunction(max, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(first_response_buckets)), 9223372036854775807, 0) COMMENT 'largest of the first response times added, business-hours ms (same conventions)',
    ADD COLUMN IF NOT EXISTS reply_business_buckets SimpleAggregateFunction(sumMap, Map(Int32, Int64)) COMMENT 'sketch bucket (schemas.SketchBucket of business-hours ms) -> count of reply times',
    ADD COLUMN IF NOT EXISTS reply_min_ms SimpleAggregateFunction(min, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(reply_buckets)), 0, 9223372036854775807) COMMENT 'smallest of the reply times added, calendar ms; 9223372036854775807 when none; 0 on rows written before bounds (unknown: no clamp)',
    ADD COLUMN IF NOT EXISTS reply_max_ms SimpleAggregateFunction(max, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(reply_buckets)), 9223372036854775807, 0) COMMENT 'largest of the reply times added, calendar ms; 0 when none; 9223372036854775807 on rows written before bounds (unknown: no clamp)',
    ADD COLUMN IF NOT EXISTS reply_business_min_ms SimpleAggregateFunction(min, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(reply_buckets)), 0, 9223372036854775807) COMMENT 'smallest of the reply times added, business-hours ms (same conventions)',
    ADD COLUMN IF NOT EXISTS reply_business_max_ms SimpleAggregateFunction(max, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(reply_buckets)), 9223372036854775807, 0) COMMENT 'largest of the reply times added, business-hours ms (same conventions)',
    ADD COLUMN IF NOT EXISTS resolution_business_buckets SimpleAggregateFunction(sumMap, Map(Int32, Int64)) COMMENT 'sketch bucket (schemas.SketchBucket of business-hours ms) -> count of resolution times',
    ADD COLUMN IF NOT EXISTS resolution_min_ms SimpleAggregateFunction(min, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(resolution_buckets)), 0, 9223372036854775807) COMMENT 'smallest of the resolution times added, calendar ms; 9223372036854775807 when none; 0 on rows written before bounds (unknown: no clamp)',
    ADD COLUMN IF NOT EXISTS resolution_max_ms SimpleAggregateFunction(max, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(resolution_buckets)), 9223372036854775807, 0) COMMENT 'largest of the resolution times added, calendar ms; 0 when none; 9223372036854775807 on rows written before bounds (unknown: no clamp)',
    ADD COLUMN IF NOT EXISTS resolution_business_min_ms SimpleAggregateFunction(min, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(resolution_buckets)), 0, 9223372036854775807) COMMENT 'smallest of the resolution times added, business-hours ms (same conventions)',
    ADD COLUMN IF NOT EXISTS resolution_business_max_ms SimpleAggregateFunction(max, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(resolution_buckets)), 9223372036854775807, 0) COMMENT 'largest of the resolution times added, business-hours ms (same conventions)';

ALTER TABLE metrics_hour
    ADD COLUMN IF NOT EXISTS first_response_business_buckets SimpleAggregateFunction(sumMap, Map(Int32, Int64)) COMMENT 'sketch bucket (schemas.SketchBucket of business-hours ms) -> count of first response times',
    ADD COLUMN IF NOT EXISTS first_response_min_ms SimpleAggregateFunction(min, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(first_response_buckets)), 0, 9223372036854775807) COMMENT 'smallest of the first response times added, calendar ms; 9223372036854775807 when none; 0 on rows written before bounds (unknown: no clamp)',
    ADD COLUMN IF NOT EXISTS first_response_max_ms SimpleAggregateFunction(max, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(first_response_buckets)), 9223372036854775807, 0) COMMENT 'largest of the first response times added, calendar ms; 0 when none; 9223372036854775807 on rows written before bounds (unknown: no clamp)',
    ADD COLUMN IF NOT EXISTS first_response_business_min_ms SimpleAggregateFunction(min, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(first_response_buckets)), 0, 9223372036854775807) COMMENT 'smallest of the first response times added, business-hours ms (same conventions)',
    ADD COLUMN IF NOT EXISTS first_response_business_max_ms SimpleAggregateFunction(max, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(first_response_buckets)), 9223372036854775807, 0) COMMENT 'largest of the first response times added, business-hours ms (same conventions)',
    ADD COLUMN IF NOT EXISTS reply_business_buckets SimpleAggregateFunction(sumMap, Map(Int32, Int64)) COMMENT 'sketch bucket (schemas.SketchBucket of business-hours ms) -> count of reply times',
    ADD COLUMN IF NOT EXISTS reply_min_ms SimpleAggregateFunction(min, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(reply_buckets)), 0, 9223372036854775807) COMMENT 'smallest of the reply times added, calendar ms; 9223372036854775807 when none; 0 on rows written before bounds (unknown: no clamp)',
    ADD COLUMN IF NOT EXISTS reply_max_ms SimpleAggregateFunction(max, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(reply_buckets)), 9223372036854775807, 0) COMMENT 'largest of the reply times added, calendar ms; 0 when none; 9223372036854775807 on rows written before bounds (unknown: no clamp)',
    ADD COLUMN IF NOT EXISTS reply_business_min_ms SimpleAggregateFunction(min, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(reply_buckets)), 0, 9223372036854775807) COMMENT 'smallest of the reply times added, business-hours ms (same conventions)',
    ADD COLUMN IF NOT EXISTS reply_business_max_ms SimpleAggregateFunction(max, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(reply_buckets)), 9223372036854775807, 0) COMMENT 'largest of the reply times added, business-hours ms (same conventions)',
    ADD COLUMN IF NOT EXISTS resolution_business_buckets SimpleAggregateFunction(sumMap, Map(Int32, Int64)) COMMENT 'sketch bucket (schemas.SketchBucket of business-hours ms) -> count of resolution times',
    ADD COLUMN IF NOT EXISTS resolution_min_ms SimpleAggregateFunction(min, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(resolution_buckets)), 0, 9223372036854775807) COMMENT 'smallest of the resolution times added, calendar ms; 9223372036854775807 when none; 0 on rows written before bounds (unknown: no clamp)',
    ADD COLUMN IF NOT EXISTS resolution_max_ms SimpleAggregateFunction(max, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(resolution_buckets)), 9223372036854775807, 0) COMMENT 'largest of the resolution times added, calendar ms; 0 when none; 9223372036854775807 on rows written before bounds (unknown: no clamp)',
    ADD COLUMN IF NOT EXISTS resolution_business_min_ms SimpleAggregateFunction(min, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(resolution_buckets)), 0, 9223372036854775807) COMMENT 'smallest of the resolution times added, business-hours ms (same conventions)',
    ADD COLUMN IF NOT EXISTS resolution_business_max_ms SimpleAggregateFunction(max, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(resolution_buckets)), 9223372036854775807, 0) COMMENT 'largest of the resolution times added, business-hours ms (same conventions)';

ALTER TABLE metrics_day
    ADD COLUMN IF NOT EXISTS first_response_business_buckets SimpleAggregateFunction(sumMap, Map(Int32, Int64)) COMMENT 'sketch bucket (schemas.SketchBucket of business-hours ms) -> count of first response times',
    ADD COLUMN IF NOT EXISTS first_response_min_ms SimpleAggregateFunction(min, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(first_response_buckets)), 0, 9223372036854775807) COMMENT 'smallest of the first response times added, calendar ms; 9223372036854775807 when none; 0 on rows written before bounds (unknown: no clamp)',
    ADD COLUMN IF NOT EXISTS first_response_max_ms SimpleAggregateFunction(max, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(first_response_buckets)), 9223372036854775807, 0) COMMENT 'largest of the first response times added, calendar ms; 0 when none; 9223372036854775807 on rows written before bounds (unknown: no clamp)',
    ADD COLUMN IF NOT EXISTS first_response_business_min_ms SimpleAggregateFunction(min, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(first_response_buckets)), 0, 9223372036854775807) COMMENT 'smallest of the first response times added, business-hours ms (same conventions)',
    ADD COLUMN IF NOT EXISTS first_response_business_max_ms SimpleAggregateFunction(max, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(first_response_buckets)), 9223372036854775807, 0) COMMENT 'largest of the first response times added, business-hours ms (same conventions)',
    ADD COLUMN IF NOT EXISTS reply_business_buckets SimpleAggregateFunction(sumMap, Map(Int32, Int64)) COMMENT 'sketch bucket (schemas.SketchBucket of business-hours ms) -> count of reply times',
    ADD COLUMN IF NOT EXISTS reply_min_ms SimpleAggregateFunction(min, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(reply_buckets)), 0, 9223372036854775807) COMMENT 'smallest of the reply times added, calendar ms; 9223372036854775807 when none; 0 on rows written before bounds (unknown: no clamp)',
    ADD COLUMN IF NOT EXISTS reply_max_ms SimpleAggregateFunction(max, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(reply_buckets)), 9223372036854775807, 0) COMMENT 'largest of the reply times added, calendar ms; 0 when none; 9223372036854775807 on rows written before bounds (unknown: no clamp)',
    ADD COLUMN IF NOT EXISTS reply_business_min_ms SimpleAggregateFunction(min, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(reply_buckets)), 0, 9223372036854775807) COMMENT 'smallest of the reply times added, business-hours ms (same conventions)',
    ADD COLUMN IF NOT EXISTS reply_business_max_ms SimpleAggregateFunction(max, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(reply_buckets)), 9223372036854775807, 0) COMMENT 'largest of the reply times added, business-hours ms (same conventions)',
    ADD COLUMN IF NOT EXISTS resolution_business_buckets SimpleAggregateFunction(sumMap, Map(Int32, Int64)) COMMENT 'sketch bucket (schemas.SketchBucket of business-hours ms) -> count of resolution times',
    ADD COLUMN IF NOT EXISTS resolution_min_ms SimpleAggregateFunction(min, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(resolution_buckets)), 0, 9223372036854775807) COMMENT 'smallest of the resolution times added, calendar ms; 9223372036854775807 when none; 0 on rows written before bounds (unknown: no clamp)',
    ADD COLUMN IF NOT EXISTS resolution_max_ms SimpleAggregateFunction(max, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(resolution_buckets)), 9223372036854775807, 0) COMMENT 'largest of the resolution times added, calendar ms; 0 when none; 9223372036854775807 on rows written before bounds (unknown: no clamp)',
    ADD COLUMN IF NOT EXISTS resolution_business_min_ms SimpleAggregateFunction(min, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(resolution_buckets)), 0, 9223372036854775807) COMMENT 'smallest of the resolution times added, business-hours ms (same conventions)',
    ADD COLUMN IF NOT EXISTS resolution_business_max_ms SimpleAggregateFunction(max, Int64) DEFAULT if(arrayExists(v -> v > 0, mapValues(resolution_buckets)), 9223372036854775807, 0) COMMENT 'largest of the resolution times added, business-hours ms (same conventions)';

-- The rollups carry the new columns from now on (MODIFY QUERY keeps the
-- view attached: no insert is missed, unlike a drop and create).
ALTER TABLE metrics_hour_mv MODIFY QUERY
SELECT toStartOfHour(minute) AS minute, tenant, channel, interaction_type, team, operator,
       opened, closed, transfers, first_response_within_target,
       first_response_count, first_response_sum_ms, first_response_business_sum_ms, first_response_buckets,
       reply_count, reply_sum_ms, reply_business_sum_ms, reply_buckets,
       resolution_count, resolution_sum_ms, resolution_business_sum_ms, resolution_buckets,
       first_response_business_buckets, first_response_min_ms, first_response_max_ms,
       first_response_business_min_ms, first_response_business_max_ms,
       reply_business_buckets, reply_min_ms, reply_max_ms, reply_business_min_ms, reply_business_max_ms,
       resolution_business_buckets, resolution_min_ms, resolution_max_ms,
       resolution_business_min_ms, resolution_business_max_ms
FROM metrics_minute;

ALTER TABLE metrics_day_mv MODIFY QUERY
SELECT toStartOfDay(minute) AS minute, tenant, channel, interaction_type, team, operator,
       opened, closed, transfers, first_response_within_target,
       first_response_count, first_response_sum_ms, first_response_business_sum_ms, first_response_buckets,
       reply_count, reply_sum_ms, reply_business_sum_ms, reply_buckets,
       resolution_count, resolution_sum_ms, resolution_business_sum_ms, resolution_buckets,
       first_response_business_buckets, first_response_min_ms, first_response_max_ms,
       first_response_business_min_ms, first_response_business_max_ms,
       reply_business_buckets, reply_min_ms, reply_max_ms, reply_business_min_ms, reply_business_max_ms,
       resolution_business_buckets, resolution_min_ms, resolution_max_ms,
       resolution_business_min_ms, resolution_business_max_ms
FROM metrics_minute;
