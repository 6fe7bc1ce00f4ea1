-- Sends are idempotent by send_id: the first write wins, a resend is a duplicate, whatever its sent_at.
-- sends is partitioned by month and cannot hold a unique send_id itself (migration 009): the id is
-- claimed in send_ids, and only the sends whose claim is new are stored, in this one statement. Ids go in
-- send_id order, so that concurrent writers of overlapping ids take their locks in the same order; an id
-- twice in one batch is stored once.
WITH batch AS (
  SELECT DISTINCT ON (s.send_id) s.send_id, s.contact_id, s.message_id, s.channel, s.sent_at, s.labels, s.holdout,
         s.window_hours
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::boolean[], $8::float8[])
       AS s(send_id, contact_id, message_id, channel, sent_at, labels, holdout, window_hours)
  ORDER BY s.send_id
), claimed AS (
  INSERT INTO send_ids (send_id)
  SELECT send_id FROM batch ORDER BY send_id
  ON CONFLICT (send_id) DO NOTHING
  RETURNING send_id
)
INSERT INTO sends (send_id, contact_id, message_id, channel, sent_at, labels, holdout, window_hours, window_end)
SELECT b.send_id, b.contact_id, b.message_id, b.channel, b.sent_at, b.labels::jsonb, b.holdout, b.window_hours,
       b.sent_at + b.window_hours * interval '1 hour'
FROM batch b JOIN claimed USING (send_id)
RETURNING send_id
