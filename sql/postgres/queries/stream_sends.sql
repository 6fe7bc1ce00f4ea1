-- The sends of these ids ($1), in the order they were evaluated. SELECT *: every column reaches SendRepository.toJson.
SELECT * FROM sends WHERE send_id = ANY($1::text[]) ORDER BY evaluated_at, send_id
