-- Durations are never negative: a negative one is a processor bug (an end
-- before its start). The server refuses such a row; the sink bisects the
-- block and dead-letters the record (docs/sinks.md).
ALTER TABLE durations ADD CONSTRAINT IF NOT EXISTS durations_not_negative CHECK ms >= 0 AND business_ms >= 0;
