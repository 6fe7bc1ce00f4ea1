-- Claims up to $1 due sends (see evaluation_mark_due) for $2 seconds, in contact order: ClickHouse keeps a
-- contact's counts together, so a batch of neighbouring contacts reads a small part of them, which makes a
-- large backlog (a backfill) several times faster to work through than contacts picked at random.
-- SKIP LOCKED lets any number of instances claim at once without waiting for or taking each other's sends;
-- an expired claim (its instance died) is taken over.
WITH due AS (
  SELECT send_id FROM sends
  WHERE status = 'pending' AND due AND (claimed_until IS NULL OR claimed_until < now())
  ORDER BY contact_id
  LIMIT $1
  FOR UPDATE SKIP LOCKED
)
UPDATE sends s SET claimed_until = now() + make_interval(secs => $2), claim_token = $3
FROM due WHERE s.send_id = due.send_id
RETURNING s.send_id, s.contact_id, s.message_id, s.channel, s.labels, s.holdout, s.sent_at, s.window_hours, s.window_end
