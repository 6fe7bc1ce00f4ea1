-- Evaluated sends after a stream's cursor ($1 evaluated_at, $2 send_id), oldest first, of message $3 (null: any)
-- with a verdict other than none in the effect named $4 (null: in any effect); $5 rows at most. SELECT *: every
-- column reaches SendRepository.toJson.
SELECT *
FROM sends s
WHERE s.status = 'evaluated'
  AND s.evaluated_at >= $1
  AND (s.evaluated_at, s.send_id) > ($1, $2::text)
  AND ($3::text IS NULL OR s.message_id = $3)
  AND EXISTS (SELECT 1 FROM json_array_elements(s.effects) e
              WHERE e->>'verdict' <> 'none' AND ($4::text IS NULL OR e->>'event_name' = $4))
ORDER BY s.evaluated_at, s.send_id
LIMIT $5
