-- complete_until: the event time up to which every processor partition's output is
-- final: the lowest of the partitions' latest watermarks (view watermarks_latest),
-- capped at {to} (a report as of {to} says nothing past it). NULL when no partition
-- has written a watermark yet.
SELECT if(count() = 0, NULL, least(min(w.complete_until), {to:DateTime64(3)})) AS complete_until
FROM watermarks_latest AS w
