-- Marks as due the pending sends whose window closed at least $1 minutes ago, the oldest first, at most $2 of
-- them in one statement (a large backfill is marked over several calls).
UPDATE sends SET due = true
WHERE send_id IN (
  SELECT send_id FROM sends
  WHERE status = 'pending' AND NOT due AND window_end <= now() - make_interval(mins => $1)
  ORDER BY window_end
  LIMIT $2
  FOR UPDATE SKIP LOCKED
)
