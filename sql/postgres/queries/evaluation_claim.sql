-- Claims up to $2 sends whose window closed at least $1 minutes ago, for $3 seconds. Due sends are taken in
-- contact order: a batch then covers neighbouring contacts, whose counts ClickHouse keeps together, which makes
-- a large backlog (a backfill) several times faster to read than contacts picked at random. While there is no
-- backlog, every due send is claimed within a poll interval anyway.
-- SKIP LOCKED lets any number of instances claim at once without waiting for or taking each other's sends;
-- an expired claim (its instance died) is taken over.
WITH due AS (
  SELECT send_id FROM sends
  WHERE status = 'pending' AND window_end <= now() - make_interval(mins => $1)
    AND (claimed_until IS NULL OR claimed_until < now())
  ORDER BY contact_id
  LIMIT $2
  FOR UPDATE SKIP LOCKED
)
UPDATE sends s SET claimed_until = now() + make_interval(secs => $3), claim_token = $4
FROM due WHERE s.send_id = due.send_id
RETURNING s.send_id, s.contact_id, s.message_id, s.channel, s.labels, s.holdout, s.sent_at, s.window_hours, s.window_end
