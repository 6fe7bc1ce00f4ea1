-- Creates the contacts of these ids that do not exist yet, with an unknown country and nothing else; an
-- existing contact is left as it is. What an event from Segment or RudderStack needs: its contact to exist.
-- No lock is taken: a concurrent upsert of the same id either inserts first (this does nothing) or after
-- (it merges into this empty row). Rows go in in the order of their ids, so that two of these statements
-- with ids in common wait for each other in the same order instead of deadlocking.
INSERT INTO contacts (contact_id, country)
SELECT id, 'unknown' FROM (SELECT DISTINCT id FROM unnest($1::text[]) AS ids(id)) AS missing ORDER BY id
ON CONFLICT (contact_id) DO NOTHING
