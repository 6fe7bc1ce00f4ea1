-- Every configured message, by id.
SELECT message_id, holdout_share, updated_at
FROM messages
ORDER BY message_id
