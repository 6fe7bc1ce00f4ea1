-- Claims up to $2 sends whose window closed at least $1 minutes ago, for $3 seconds.
-- Among the 20 x $2 sends that have been due longest, those of neighbouring contacts go together: ClickHouse
-- keeps a contact's counts together, so a batch of neighbours reads a small part of them, which makes a large
-- backlog (a backfill) several times faster to work through than contacts picked at random; the oldest due
-- sends still go first. The candidates come from the index on window_end of pending sends, so sends whose
-- windows are still open cost nothing however many there are.
-- SKIP LOCKED lets any number of instances claim at once without waiting for or taking each other's sends;
-- an expired claim (its instance died) is taken over.
WITH due AS (
  SELECT send_id FROM sends
  WHERE send_id = ANY (ARRAY(
          SELECT send_id FROM sends
          WHERE status = 'pending' AND window_end <= now() - make_interval(mins => $1)
            AND (claimed_until IS NULL OR claimed_until < now())
          ORDER BY window_end
          LIMIT 20 * $2))
    AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < now())
  ORDER BY contact_id
  LIMIT $2
  FOR UPDATE SKIP LOCKED
)
UPDATE sends s SET claimed_until = now() + make_interval(secs => $3), claim_token = $4
FROM due WHERE s.send_id = due.send_id
RETURNING s.send_id, s.contact_id, s.message_id, s.channel, s.labels, s.holdout, s.sent_at, s.window_hours, s.window_end
