-- service_level: share of the first responses that ended in [{from}, {to}) within
-- the team's target (durations.target_ms), per segment; NULL without first responses.
SELECT
    if(has({by:Array(String)}, 'tenant'), c.tenant, '') AS by_tenant,
    if(has({by:Array(String)}, 'channel'), c.channel, '') AS by_channel,
    if(has({by:Array(String)}, 'interaction_type'), c.interaction_type, '') AS by_interaction_type,
    if(has({by:Array(String)}, 'team'), d.team, '') AS by_team,
    if(has({by:Array(String)}, 'operator'), d.operator, '') AS by_operator,
    countIf(d.ms <= d.target_ms) / count() AS service_level
FROM durations AS d FINAL
INNER JOIN conversations_as_of(from = {from:DateTime64(3)}, to = {to:DateTime64(3)}) AS c
    ON c.conversation_id = d.conversation_id AND c.version = d.version
WHERE d.kind = 'first_response' AND d.ended_at >= {from:DateTime64(3)} AND d.ended_at < {to:DateTime64(3)}
  AND ({tenant:String} = '' OR c.tenant = {tenant:String})
  AND ({channel:String} = '' OR c.channel = {channel:String})
  AND ({interaction_type:String} = '' OR c.interaction_type = {interaction_type:String})
  AND ({team:String} = '' OR d.team = {team:String})
  AND ({operator:String} = '' OR d.operator = {operator:String})
GROUP BY by_tenant, by_channel, by_interaction_type, by_team, by_operator
ORDER BY by_tenant, by_channel, by_interaction_type, by_team, by_operator
