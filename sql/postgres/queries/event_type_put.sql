-- Sets the category and reward of one event name; a PUT always restamps updated_at.
INSERT INTO event_types AS t (event_name, category, reward)
VALUES ($1, $2, $3)
ON CONFLICT (event_name) DO UPDATE SET
  category = EXCLUDED.category,
  reward = EXCLUDED.reward,
  updated_at = now()
RETURNING t.event_name, t.category, t.reward, t.updated_at
