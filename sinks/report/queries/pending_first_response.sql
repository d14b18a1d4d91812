-- pending_first_response: open at {to}, an operator assigned, a customer message, no first response before {to}, per segment (segment values as of {to}).
SELECT
    if(has({by:Array(String)}, 'tenant'), tenant, '') AS by_tenant,
    if(has({by:Array(String)}, 'channel'), channel, '') AS by_channel,
    if(has({by:Array(String)}, 'interaction_type'), interaction_type, '') AS by_interaction_type,
    if(has({by:Array(String)}, 'team'), team, '') AS by_team,
    if(has({by:Array(String)}, 'operator'), operator, '') AS by_operator,
    countIf(status != 'closed' AND operator != ''
        AND ifNull(first_customer_message_at < {to:DateTime64(3)},
                   last_customer_message_at < {to:DateTime64(3)} OR wait_started_at < {to:DateTime64(3)})
        AND NOT ifNull(first_response_at < {to:DateTime64(3)}, 0)) AS pending_first_response
FROM conversations_as_of(from = {from:DateTime64(3)}, to = {to:DateTime64(3)})
WHERE ({tenant:String} = '' OR tenant = {tenant:String})
  AND ({channel:String} = '' OR channel = {channel:String})
  AND ({interaction_type:String} = '' OR interaction_type = {interaction_type:String})
  AND ({team:String} = '' OR team = {team:String})
  AND ({operator:String} = '' OR operator = {operator:String})
GROUP BY by_tenant, by_channel, by_interaction_type, by_team, by_operator
ORDER BY by_tenant, by_channel, by_interaction_type, by_team, by_operator
