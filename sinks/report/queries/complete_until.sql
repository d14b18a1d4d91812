-- complete_until: the event time up to which every processor partition's output is
-- final: the lowest, over the partitions that wrote one, of each partition's latest
-- watermark, capped at {to} (a report as of {to} says nothing past it). NULL when
-- no partition has written a watermark yet.
SELECT if(count() = 0, NULL, least(min(latest), {to:DateTime64(3)})) AS complete_until
FROM (
    SELECT topic, partition, max(complete_until) AS latest
    FROM watermarks
    GROUP BY topic, partition
)
