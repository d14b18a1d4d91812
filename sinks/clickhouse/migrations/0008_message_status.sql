-- The furthest status each business message reached, from the receipts in
-- events. Platforms reorder and redeliver receipts (a WhatsApp read may come
-- before its delivered, or without one), so the status is the highest rank
-- seen and never moves backwards; max and min make redeliveries harmless.
CREATE TABLE IF NOT EXISTS message_status
(
    tenant LowCardinality(String) COMMENT 'tenant (company)',
    channel LowCardinality(String) COMMENT 'channel',
    account_id String COMMENT 'business side id',
    customer_id String COMMENT 'customer side id',
    message_id String COMMENT 'the business message the receipts are about',
    status_rank SimpleAggregateFunction(max, UInt8) COMMENT 'furthest status: 1 delivered, 2 read',
    delivered_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))) COMMENT 'first delivery receipt, NULL if none came',
    read_at SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))) COMMENT 'first read receipt, NULL if none came'
)
ENGINE = AggregatingMergeTree
ORDER BY (tenant, channel, account_id, customer_id, message_id)
COMMENT 'furthest delivery status per business message (read, then delivered, stays read)';

CREATE MATERIALIZED VIEW IF NOT EXISTS message_status_mv TO message_status AS
SELECT tenant, channel, account_id, customer_id, message_id,
       toUInt8(if(kind = 'read', 2, 1)) AS status_rank,
       if(kind = 'delivery', occurred_at, NULL) AS delivered_at,
       if(kind = 'read', occurred_at, NULL) AS read_at
FROM events
WHERE kind IN ('delivery', 'read') AND message_id != '';
