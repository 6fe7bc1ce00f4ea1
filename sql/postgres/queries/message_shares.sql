-- The configured holdout shares of the given messages ($1, a text array).
SELECT message_id, holdout_share
FROM messages
WHERE message_id = ANY($1)
