-- alert_history: every change of state of a tenant's alert rules (SPEC
-- 4.2), from the alerts topic. A notification is written again with each
-- record of its rule while some notify URL has not acknowledged it
-- (deliveries_pending counts them down to 0); the row with the highest
-- seq is the notification's latest: read with FINAL.

CREATE TABLE IF NOT EXISTS alert_history
(
    tenant LowCardinality(String) COMMENT 'tenant (company)',
    id String COMMENT 'notification id, derived from (tenant, rule, state, at): what receivers drop repeats by',
    rule String COMMENT 'rule name (tenants[].alerts.rules[].name)',
    team Nullable(String) COMMENT 'team the rule watches; NULL: the whole tenant',
    metric LowCardinality(String) COMMENT 'metric the rule compares: queue_length, oldest_wait, at_risk_cases, to_recover_cases, expired_cases, service_level_30m or operators_available',
    above Nullable(Float64) COMMENT 'threshold the rule fires strictly above, in the metric''s unit (milliseconds for oldest_wait, a share from 0 to 1 for service_level_30m, else a count); NULL when it uses below',
    below Nullable(Float64) COMMENT 'threshold the rule fires strictly below, in the metric''s unit; NULL when it uses above',
    state LowCardinality(String) COMMENT 'firing or resolved: the state the rule changed to',
    value Nullable(Float64) COMMENT 'metric value at the change, in the metric''s unit; NULL when there was nothing to measure (a share without first responses)',
    at DateTime64(3, 'UTC') COMMENT 'when the rule changed state',
    deliveries_pending UInt16 COMMENT 'notify URLs that had not acknowledged the notification yet, as of this version (0: every one did)',
    seq UInt64 COMMENT 'sequence number of the alerts topic record this version comes from (grows per rule): the highest is the latest'
)
ENGINE = ReplacingMergeTree(seq)
ORDER BY (tenant, rule, at, id)
SETTINGS non_replicated_deduplication_window = 1000
COMMENT 'alert rules'' changes of state, one row per notification id (latest version wins); read with FINAL';
