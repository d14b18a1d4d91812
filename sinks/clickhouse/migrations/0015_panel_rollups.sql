-- Reads that stay fast as history grows (docs/performance.md).
--
-- metrics_in(from, to, step_s): the metrics_minute rows of the minutes
-- from..to (both included, as Grafana's $__timeFilter), with every whole
-- UTC day inside the range read from metrics_day and every other whole
-- hour from metrics_hour: a row a day or an hour instead of 1 440 or 60.
-- Days are used only when step_s, the time bucket the caller groups by, is
-- a whole number of days, hours when it is a whole number of hours, so a
-- rolled-up row never straddles two buckets; a caller that does not group
-- by time passes 86400. Same columns as metrics_minute; read them with
-- sum()/sumMap()/min()/max() as always.
CREATE OR REPLACE VIEW metrics_in AS
WITH
    {step_s:UInt32} % 86400 = 0 AS by_day,
    {step_s:UInt32} % 3600 = 0 AS by_hour,
    toStartOfDay({from:DateTime('UTC')} + INTERVAL 86399 SECOND) AS first_day,
    toStartOfHour({from:DateTime('UTC')} + INTERVAL 3599 SECOND) AS first_hour
SELECT * FROM (
SELECT * FROM metrics_day
WHERE by_day AND minute >= first_day AND minute + INTERVAL 1439 MINUTE <= {to:DateTime('UTC')}
UNION ALL
SELECT * FROM metrics_hour
WHERE by_hour AND minute >= first_hour AND minute + INTERVAL 59 MINUTE <= {to:DateTime('UTC')}
    AND NOT (by_day AND toStartOfDay(minute) >= first_day
        AND toStartOfDay(minute) + INTERVAL 1439 MINUTE <= {to:DateTime('UTC')})
UNION ALL
SELECT * FROM metrics_minute
WHERE minute >= {from:DateTime('UTC')} AND minute <= {to:DateTime('UTC')}
    AND NOT (by_hour AND toStartOfHour(minute) >= first_hour
        AND toStartOfHour(minute) + INTERVAL 59 MINUTE <= {to:DateTime('UTC')}));

-- gauge_rounds: per processor partition and snapshot round, the earliest
-- `at` of its rows. gauges_latest finds each partition's latest round here
-- (a row per round, not per segment) and reads from gauges only the rows
-- from that round's earliest `at` on, instead of the whole history twice.
CREATE TABLE IF NOT EXISTS gauge_rounds
(
    partition Int32 COMMENT 'processor partition',
    round UInt64 COMMENT 'snapshot round of the partition',
    first_at SimpleAggregateFunction(min, DateTime64(3, 'UTC')) COMMENT 'earliest at among the round''s rows'
)
ENGINE = AggregatingMergeTree
ORDER BY (partition, round)
COMMENT 'each gauges round''s earliest at, kept by gauge_rounds_mv';

CREATE MATERIALIZED VIEW IF NOT EXISTS gauge_rounds_mv TO gauge_rounds AS
SELECT partition, round, min(at) AS first_at FROM gauges GROUP BY partition, round;

-- The rounds written before this migration (a round counted twice keeps
-- the same minimum).
INSERT INTO gauge_rounds SELECT partition, round, min(at) FROM gauges GROUP BY partition, round;

CREATE OR REPLACE VIEW gauges_latest
(
    partition Int32 COMMENT 'processor partition that took the snapshot',
    tenant LowCardinality(String) COMMENT 'tenant (company)',
    channel LowCardinality(String) COMMENT 'channel',
    interaction_type LowCardinality(String) COMMENT 'interaction type',
    team LowCardinality(String) COMMENT 'team',
    operator LowCardinality(String) COMMENT 'operator',
    at DateTime64(3, 'UTC') COMMENT 'event time of the snapshot (its tenant''s clock on the partition)',
    bot Int64 COMMENT 'open conversations still in the bot',
    queued Int64 COMMENT 'conversations waiting in a queue',
    active Int64 COMMENT 'conversations with an operator',
    to_recover Int64 COMMENT 'conversations to recover',
    expired Int64 COMMENT 'conversations past their support window with a customer waiting'
) AS
WITH latest AS (SELECT partition, max(round) AS round FROM gauge_rounds GROUP BY partition)
SELECT g.partition AS partition, g.tenant AS tenant, g.channel AS channel, g.interaction_type AS interaction_type,
    g.team AS team, g.operator AS operator, max(g.at) AS at,
    argMax(g.bot, g.at) AS bot, argMax(g.queued, g.at) AS queued, argMax(g.active, g.at) AS active,
    argMax(g.to_recover, g.at) AS to_recover, argMax(g.expired, g.at) AS expired
FROM gauges AS g
WHERE g.at >= (SELECT min(first_at) FROM gauge_rounds WHERE (partition, round) IN (SELECT partition, round FROM latest))
    AND (g.partition, g.round) IN (SELECT partition, round FROM latest)
    AND g.tenant != '' AND g.bot + g.queued + g.active + g.to_recover + g.expired != 0
GROUP BY g.partition, g.tenant, g.channel, g.interaction_type, g.team, g.operator;
