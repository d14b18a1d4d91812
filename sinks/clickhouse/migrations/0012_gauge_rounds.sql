-- Gauge snapshots in rounds: each processor partition writes its whole
-- snapshot in one record with a round number that grows across restarts
-- and takeovers (kept in the partition's changelog). The latest round of
-- each partition is the open cases now; a segment absent from it has
-- none. So a segment that dropped to zero while its partition moved
-- between instances cannot stay counted (its last non-zero row belongs to
-- an older round).

ALTER TABLE gauges ADD COLUMN IF NOT EXISTS round UInt64
    COMMENT 'snapshot round of the partition (0: rows written before rounds); a round with no open case writes one row with tenant empty'
    AFTER partition;

-- gauges_latest: each partition's latest round, one row per segment with
-- open cases; sum over partitions for the open cases now.
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
SELECT g.partition AS partition, g.tenant AS tenant, g.channel AS channel, g.interaction_type AS interaction_type,
    g.team AS team, g.operator AS operator, max(g.at) AS at,
    argMax(g.bot, g.at) AS bot, argMax(g.queued, g.at) AS queued, argMax(g.active, g.at) AS active,
    argMax(g.to_recover, g.at) AS to_recover, argMax(g.expired, g.at) AS expired
FROM gauges AS g
INNER JOIN (SELECT partition, max(round) AS round FROM gauges GROUP BY partition) AS latest
    ON latest.partition = g.partition AND latest.round = g.round
WHERE g.tenant != '' AND g.bot + g.queued + g.active + g.to_recover + g.expired != 0
GROUP BY g.partition, g.tenant, g.channel, g.interaction_type, g.team, g.operator;
