-- Events received per minute and channel, kept by the engine beside the
-- events: the pipeline-health panel of events received per interval reads
-- this projection (a row per minute and channel) instead of every event.
-- The events table replaces duplicates in merges; 'rebuild' rebuilds the
-- projection of a merged part, so its counts follow the deduplicated rows.
-- Parts written before this migration get it in the background; until
-- then a query reads them whole, with the same result.
ALTER TABLE events MODIFY SETTING deduplicate_merge_projection_mode = 'rebuild';

ALTER TABLE events ADD PROJECTION IF NOT EXISTS received_per_minute
    (SELECT toStartOfMinute(received_at), channel, count() GROUP BY toStartOfMinute(received_at), channel);

ALTER TABLE events MATERIALIZE PROJECTION received_per_minute;
