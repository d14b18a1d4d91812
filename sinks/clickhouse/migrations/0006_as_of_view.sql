-- conversations_as_of(from, to): every conversation counted in the total of
-- the period [from, to) (opened before to, not closed before from), with its
-- segment and status as of to (events at or after to left out), read from
-- the status history. The indicator queries of docs/queries.md read it.
CREATE VIEW IF NOT EXISTS conversations_as_of AS
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
        WHERE valid_from < {to:DateTime64(3)} AND conversation_id IN candidates
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
    c.wait_started_at AS wait_started_at,
    c.transfer_times AS transfer_times
FROM conversations AS c FINAL
LEFT JOIN history AS h ON h.conversation_id = c.conversation_id
WHERE c.opened_at < {to:DateTime64(3)} AND (c.closed_at IS NULL OR c.closed_at >= {from:DateTime64(3)});
