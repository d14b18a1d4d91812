-- The processors now write every status interval with the segment the
-- conversation had during it: a transfer starts a new interval, even when
-- the status stays, and leaves the earlier ones as they were. Intervals
-- written by older processors carry the conversation's segment at their
-- writing until the conversation changes again (its whole history is then
-- rewritten once).
ALTER TABLE status_history
    COMMENT COLUMN interaction_type 'interaction type of the conversation during the interval',
    COMMENT COLUMN team 'team of the conversation during the interval',
    COMMENT COLUMN operator 'operator of the conversation during the interval (empty: none)';
