-- One page of sends, newest first: sent_at, then send_id, both descending. $1-$5 filter (null: no
-- filter; sent_at from $4 inclusive to $5 exclusive); $6, $7 are the cursor, the last (sent_at,
-- send_id) of the previous page; $8 is the page size. SELECT *: every column of sends, those that
-- later migrations add too, reaches SendRepository.toJson.
SELECT *
FROM sends
WHERE ($1::text IS NULL OR contact_id = $1)
  AND ($2::text IS NULL OR message_id = $2)
  AND ($3::text IS NULL OR status = $3)
  AND ($4::timestamptz IS NULL OR sent_at >= $4)
  AND ($5::timestamptz IS NULL OR sent_at < $5)
  AND ($6::timestamptz IS NULL OR (sent_at, send_id) < ($6, $7::text))
ORDER BY sent_at DESC, send_id DESC
LIMIT $8
