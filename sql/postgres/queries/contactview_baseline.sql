-- What the baseline view needs from PostgreSQL, in one round trip (one row, whether or not the contact
-- has a row of its own): whether it has, its own timezone, and the windows of its delivered (not holdout)
-- sends that end after $2 and went out before $3, which are left out of the baseline as the engine
-- leaves them out of the baselines of later sends (sends_by_contact_window finds them).
SELECT c.contact_id IS NOT NULL AS has_row, c.timezone,
       ARRAY(SELECT s.sent_at FROM sends s
             WHERE s.contact_id = $1 AND s.window_end > $2 AND s.sent_at < $3 AND NOT s.holdout
             ORDER BY s.sent_at, s.send_id) AS sent_at,
       ARRAY(SELECT s.window_end FROM sends s
             WHERE s.contact_id = $1 AND s.window_end > $2 AND s.sent_at < $3 AND NOT s.holdout
             ORDER BY s.sent_at, s.send_id) AS window_end
FROM (SELECT 1) AS one
LEFT JOIN contacts c ON c.contact_id = $1
