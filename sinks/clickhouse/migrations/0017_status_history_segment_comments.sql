-- The processors write every status interval with its conversation's
-- segment at the time they write it (its latest: a segment change
-- rewrites the whole history), not the segment the interval had
-- (docs/queries.md, known gaps). The comments say what the columns hold.
ALTER TABLE status_history
    COMMENT COLUMN interaction_type 'interaction type of the conversation when the interval was last written (its latest, not necessarily the one during the interval)',
    COMMENT COLUMN team 'team of the conversation when the interval was last written (its latest, not necessarily the one during the interval)',
    COMMENT COLUMN operator 'operator of the conversation when the interval was last written (its latest, not necessarily the one during the interval)';
