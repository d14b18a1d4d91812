-- A report as of an instant T leaves out events at T but counts the timers
-- due by T (docs/indicators.md §3). A status interval that a timer started
-- exactly at T (an unanswered threshold, a window expiry, business hours
-- opening, an idle close) is therefore the status at T; one that an event
-- started at T is not. status_history says which started each interval.

ALTER TABLE status_history ADD COLUMN IF NOT EXISTS by_timer Bool
    COMMENT 'a timer started the interval (threshold, window expiry, business hours, presence, idle close), not an event'
    AFTER valid_to;

-- conversations_as_of(from, to): as migration 0006, with the intervals a
-- timer started exactly at to.
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
    c.wait_started_at AS wait_started_at,
    c.transfer_times AS transfer_times
FROM conversations AS c FINAL
LEFT JOIN history AS h ON h.conversation_id = c.conversation_id
WHERE c.opened_at < {to:DateTime64(3)} AND (c.closed_at IS NULL OR c.closed_at >= {from:DateTime64(3)});
