-- Links anonymous ids ($1, distinct) to user ids ($2); a later link of the same anonymous id replaces the earlier.
INSERT INTO identity_links AS l (anonymous_id, user_id)
SELECT a, u FROM unnest($1::text[], $2::text[]) AS r(a, u)
ON CONFLICT (anonymous_id) DO UPDATE SET user_id = EXCLUDED.user_id, linked_at = now()
WHERE l.user_id IS DISTINCT FROM EXCLUDED.user_id
