-- pending_first_response as of a past instant T needs "a customer message
-- before T": the first customer message says it for any T, where the
-- latest message and the open wait (all the row had) miss a conversation
-- whose messages before T were followed, after T, by the first response
-- and a newer message. Rows written before this column have it NULL, and
-- the queries fall back to the old reading for them.
ALTER TABLE conversations ADD COLUMN IF NOT EXISTS first_customer_message_at Nullable(DateTime64(3, 'UTC'))
    COMMENT 'first customer message of the conversation; NULL when none, or in rows written before migration 0019'
    AFTER last_customer_message_at;

-- conversations_as_of(from, to): as migration 0013, with the first
-- customer message.
CREATE OR REPLACE VIEW conversations_as_of AS
WITH
    candidates AS (
        SELECT conversation_id
        FROM conversations FINAL
        WHERE opened_at < {to:DateTime64(3)} AND (closed_at IS NULL OR closed_at >= {from:DateTime64(3)})
    ),
    history AS (
        SELECT conversation_id,
               argMax(tuple(interaction_type, team, operator, status, recover_reason), seq) AS s
        FROM status_history FINAL
        WHERE (valid_from < {to:DateTime64(3)} OR (valid_from = {to:DateTime64(3)} AND by_timer))
          AND conversation_id IN candidates
        GROUP BY conversation_id
    )
SELECT
    c.conversation_id AS conversation_id,
    c.version AS version,
    c.tenant AS tenant,
    c.channel AS channel,
    if(h.conversation_id = '', c.interaction_type, h.s.1) AS interaction_type,
    if(h.conversation_id = '', c.team, h.s.2) AS team,
    if(h.conversation_id = '', c.operator, h.s.3) AS operator,
    multiIf(c.closed_at < {to:DateTime64(3)}, 'closed', h.conversation_id = '', c.status, h.s.4) AS status,
    c.opened_at AS opened_at,
    c.closed_at AS closed_at,
    c.routed_at AS routed_at,
    c.attended_at AS attended_at,
    c.first_response_at AS first_response_at,
    c.last_customer_message_at AS last_customer_message_at,
    c.first_customer_message_at AS first_customer_message_at,
    c.wait_started_at AS wait_started_at,
    c.transfer_times AS transfer_times
FROM conversations AS c FINAL
LEFT JOIN history AS h ON h.conversation_id = c.conversation_id
WHERE c.opened_at < {to:DateTime64(3)} AND (c.closed_at IS NULL OR c.closed_at >= {from:DateTime64(3)});
