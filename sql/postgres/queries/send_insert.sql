-- Sends are idempotent by send_id: the first write wins, a resend is a duplicate. Rows go in send_id
-- order, so that concurrent writers of overlapping ids take their row locks in the same order.
INSERT INTO sends (send_id, contact_id, message_id, channel, sent_at, labels, holdout, window_hours, window_end)
SELECT s.send_id, s.contact_id, s.message_id, s.channel, s.sent_at, s.labels::jsonb, s.holdout, s.window_hours,
       s.sent_at + s.window_hours * interval '1 hour'
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::boolean[], $8::float8[])
     AS s(send_id, contact_id, message_id, channel, sent_at, labels, holdout, window_hours)
ORDER BY s.send_id
ON CONFLICT (send_id) DO NOTHING
RETURNING send_id
