-- The contacts that received sends in [from, to): the population the engine evaluates, which its
-- population model is fitted on. A sample of at most $3 of them, the same one on every call (ordered by a
-- hash of the id, not by anything about the contact).
SELECT contact_id
FROM (SELECT DISTINCT contact_id FROM sends WHERE sent_at >= $1 AND sent_at < $2) sent
ORDER BY md5(contact_id)
LIMIT $3
