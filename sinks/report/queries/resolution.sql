-- resolution time: count, exact average and p50/p90/p99 of the resolution durations that
-- ended in [{from}, {to}), per segment, in calendar time (ms) and in business time
-- (business_ms: only the business hours of the team that ended it count); a
-- duration belongs to the team and operator that ended it. Percentiles are the
-- nearest rank (ceil(q·n)-th smallest) over the sketch buckets of
-- schemas.SketchBucket (within 1%), clamped to the smallest and largest duration
-- of the set, exactly as processors/indicators reads its sketch.
WITH
    log(1.01 / 0.99) AS lg,
    ms -> if(ms < 1, 0, greatest(1, toInt32(ceil(log(ms) / lg)))) AS bucket,
    (bs, q, lo, hi) -> greatest(toFloat64(lo), least(toFloat64(hi),
        if(bs[toUInt64(greatest(1, ceil(q * length(bs))))] <= 0, 0,
           floor(2 * exp(bs[toUInt64(greatest(1, ceil(q * length(bs))))] * lg) / (exp(lg) + 1) + 0.5)))) AS nearest_rank
SELECT
    if(has({by:Array(String)}, 'tenant'), c.tenant, '') AS by_tenant,
    if(has({by:Array(String)}, 'channel'), c.channel, '') AS by_channel,
    if(has({by:Array(String)}, 'interaction_type'), c.interaction_type, '') AS by_interaction_type,
    if(has({by:Array(String)}, 'team'), d.team, '') AS by_team,
    if(has({by:Array(String)}, 'operator'), d.operator, '') AS by_operator,
    count() AS count,
    avg(d.ms) AS avg_ms,
    nearest_rank(arraySort(groupArray(bucket(d.ms))), 0.5, min(d.ms), max(d.ms)) AS p50_ms,
    nearest_rank(arraySort(groupArray(bucket(d.ms))), 0.9, min(d.ms), max(d.ms)) AS p90_ms,
    nearest_rank(arraySort(groupArray(bucket(d.ms))), 0.99, min(d.ms), max(d.ms)) AS p99_ms,
    avg(d.business_ms) AS business_avg_ms,
    nearest_rank(arraySort(groupArray(bucket(d.business_ms))), 0.5, min(d.business_ms), max(d.business_ms)) AS business_p50_ms,
    nearest_rank(arraySort(groupArray(bucket(d.business_ms))), 0.9, min(d.business_ms), max(d.business_ms)) AS business_p90_ms,
    nearest_rank(arraySort(groupArray(bucket(d.business_ms))), 0.99, min(d.business_ms), max(d.business_ms)) AS business_p99_ms
FROM durations AS d FINAL
INNER JOIN conversations_as_of(from = {from:DateTime64(3)}, to = {to:DateTime64(3)}) AS c
    ON c.conversation_id = d.conversation_id AND c.version = d.version
WHERE d.kind = 'resolution' AND d.ended_at >= {from:DateTime64(3)} AND d.ended_at < {to:DateTime64(3)}
  AND ({tenant:String} = '' OR c.tenant = {tenant:String})
  AND ({channel:String} = '' OR c.channel = {channel:String})
  AND ({interaction_type:String} = '' OR c.interaction_type = {interaction_type:String})
  AND ({team:String} = '' OR d.team = {team:String})
  AND ({operator:String} = '' OR d.operator = {operator:String})
GROUP BY by_tenant, by_channel, by_interaction_type, by_team, by_operator
ORDER BY by_tenant, by_channel, by_interaction_type, by_team, by_operator
