-- The sends of these contacts whose windows may fall in a baseline or overlap a window of the batch.
SELECT send_id, contact_id, sent_at, window_end, holdout
FROM sends
WHERE contact_id = ANY($1::text[]) AND window_end > $2 AND sent_at <= $3
