-- Contacts with a send since a time (holdouts aside) whose effect for one event name has the verdict.
-- A send evaluated again replaces its rows: FINAL reads the latest.
SELECT DISTINCT contact_id
FROM send_effects FINAL
WHERE event_name = ? AND verdict = ? AND reported = 1 AND holdout = 0 AND sent_at >= toDateTime(?)
