-- Sets the holdout share of one message; a PUT always restamps updated_at.
INSERT INTO messages AS m (message_id, holdout_share)
VALUES ($1, $2)
ON CONFLICT (message_id) DO UPDATE SET
  holdout_share = EXCLUDED.holdout_share,
  updated_at = now()
RETURNING m.message_id, m.holdout_share, m.updated_at
