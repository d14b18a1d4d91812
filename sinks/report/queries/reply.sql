-- reply time: count, exact average and p50/p90/p99 (nearest rank over the
-- sketch buckets of schemas.SketchBucket, within 1%) of the reply durations
-- that ended in [{from}, {to}), per segment; a duration belongs to the team and
-- operator that ended it.
WITH log(1.01 / 0.99) AS lg
SELECT
    if(has({by:Array(String)}, 'tenant'), c.tenant, '') AS by_tenant,
    if(has({by:Array(String)}, 'channel'), c.channel, '') AS by_channel,
    if(has({by:Array(String)}, 'interaction_type'), c.interaction_type, '') AS by_interaction_type,
    if(has({by:Array(String)}, 'team'), d.team, '') AS by_team,
    if(has({by:Array(String)}, 'operator'), d.operator, '') AS by_operator,
    count() AS count,
    avg(d.ms) AS avg_ms,
    arraySort(groupArray(if(d.ms < 1, 0, toInt32(ceil(log(d.ms) / lg))))) AS bs,
    if(bs[toUInt64(greatest(1, ceil(0.5 * length(bs))))] <= 0, 0,
       floor(2 * exp(bs[toUInt64(greatest(1, ceil(0.5 * length(bs))))] * lg) / (exp(lg) + 1) + 0.5)) AS p50_ms,
    if(bs[toUInt64(greatest(1, ceil(0.9 * length(bs))))] <= 0, 0,
       floor(2 * exp(bs[toUInt64(greatest(1, ceil(0.9 * length(bs))))] * lg) / (exp(lg) + 1) + 0.5)) AS p90_ms,
    if(bs[toUInt64(greatest(1, ceil(0.99 * length(bs))))] <= 0, 0,
       floor(2 * exp(bs[toUInt64(greatest(1, ceil(0.99 * length(bs))))] * lg) / (exp(lg) + 1) + 0.5)) AS p99_ms
FROM durations AS d FINAL
INNER JOIN conversations_as_of(from = {from:DateTime64(3)}, to = {to:DateTime64(3)}) AS c
    ON c.conversation_id = d.conversation_id AND c.version = d.version
WHERE d.kind = 'reply' AND d.ended_at >= {from:DateTime64(3)} AND d.ended_at < {to:DateTime64(3)}
  AND ({tenant:String} = '' OR c.tenant = {tenant:String})
  AND ({channel:String} = '' OR c.channel = {channel:String})
  AND ({interaction_type:String} = '' OR c.interaction_type = {interaction_type:String})
  AND ({team:String} = '' OR d.team = {team:String})
  AND ({operator:String} = '' OR d.operator = {operator:String})
GROUP BY by_tenant, by_channel, by_interaction_type, by_team, by_operator
ORDER BY by_tenant, by_channel, by_interaction_type, by_team, by_operator
