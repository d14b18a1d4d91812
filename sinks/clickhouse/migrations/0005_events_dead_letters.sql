-- Raw normalized events and everything a stage could not handle.
CREATE TABLE IF NOT EXISTS events
(
    occurred_at DateTime64(3, 'UTC') COMMENT 'when it happened (platform time)',
    received_at DateTime64(3, 'UTC') COMMENT 'when ingest received it',
    tenant LowCardinality(String) COMMENT 'tenant (company)',
    channel LowCardinality(String) COMMENT 'channel',
    account_id String COMMENT 'business side id',
    customer_id String COMMENT 'customer side id',
    customer_alt_id String COMMENT 'second id of the same customer (WhatsApp BSUID), or empty',
    kind LowCardinality(String) COMMENT 'customer_message, business_message, delivery, read, reaction, other, or a platform event type',
    id String COMMENT 'deduplication id (platform message or event id)',
    message_id String COMMENT 'platform message id',
    target_message_id String COMMENT 'message a reaction, receipt or reply refers to',
    text String COMMENT 'message text' CODEC(ZSTD(3)),
    content_type LowCardinality(String) COMMENT 'message type as the platform names it',
    status LowCardinality(String) COMMENT 'WhatsApp message status, or operator presence',
    error_code LowCardinality(String) COMMENT 'platform error code of a failed status',
    app_id LowCardinality(String) COMMENT 'app that sent a business message (echo)',
    human_agent Bool COMMENT 'business message typed by a person in the channel''s own inbox',
    interaction_type LowCardinality(String) COMMENT 'platform events: interaction type',
    team LowCardinality(String) COMMENT 'platform events: team',
    operator LowCardinality(String) COMMENT 'platform events: operator',
    to_team LowCardinality(String) COMMENT 'transfer or recover: target team',
    to_operator LowCardinality(String) COMMENT 'transfer or recover: target operator',
    v UInt8 COMMENT 'record version'
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (tenant, toDate(occurred_at), channel, account_id, customer_id, occurred_at, kind, id)
TTL toDateTime(occurred_at) + toIntervalDay(90)
SETTINGS non_replicated_deduplication_window = 1000
COMMENT 'raw normalized events from floorwatch.events; a redelivered event replaces itself';

CREATE TABLE IF NOT EXISTS dead_letters
(
    received_at DateTime64(3, 'UTC') COMMENT 'when the failing input was received (Kafka record time for sink dead letters)',
    stage LowCardinality(String) COMMENT 'ingest, process or sink',
    reason String COMMENT 'why it could not be handled, one line',
    source LowCardinality(String) COMMENT 'route or topic it came from',
    tenant LowCardinality(String) COMMENT 'tenant when known',
    headers Map(String, String) COMMENT 'request headers kept for a re-drive (never API keys)',
    body String COMMENT 'raw bytes as received' CODEC(ZSTD(3)),
    topic LowCardinality(String) COMMENT 'Kafka topic the dead letter was read from',
    partition Int32 COMMENT 'Kafka partition',
    offset Int64 COMMENT 'Kafka offset'
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(received_at)
ORDER BY (stage, received_at)
SETTINGS non_replicated_deduplication_window = 1000
COMMENT 'inputs no stage could handle, kept whole with the reason';
