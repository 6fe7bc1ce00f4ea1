-- Every event type, by name. The table holds one row per configured event name (tens, not millions),
-- so the evaluation's snapshot reads it whole.
SELECT event_name, category, reward, updated_at
FROM event_types
ORDER BY event_name
