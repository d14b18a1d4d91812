-- attended: of total, those with an operator action before {to}, per segment (segment values as of {to}).
SELECT
    if(has({by:Array(String)}, 'tenant'), tenant, '') AS by_tenant,
    if(has({by:Array(String)}, 'channel'), channel, '') AS by_channel,
    if(has({by:Array(String)}, 'interaction_type'), interaction_type, '') AS by_interaction_type,
    if(has({by:Array(String)}, 'team'), team, '') AS by_team,
    if(has({by:Array(String)}, 'operator'), operator, '') AS by_operator,
    countIf(attended_at < {to:DateTime64(3)}) AS attended
FROM conversations_as_of(from = {from:DateTime64(3)}, to = {to:DateTime64(3)})
WHERE ({tenant:String} = '' OR tenant = {tenant:String})
  AND ({channel:String} = '' OR channel = {channel:String})
  AND ({interaction_type:String} = '' OR interaction_type = {interaction_type:String})
  AND ({team:String} = '' OR team = {team:String})
  AND ({operator:String} = '' OR operator = {operator:String})
GROUP BY by_tenant, by_channel, by_interaction_type, by_team, by_operator
ORDER BY by_tenant, by_channel, by_interaction_type, by_team, by_operator
