-- Creates the contacts of these ids that do not exist yet, with an unknown country and nothing else; an
-- existing contact is left as it is. What an event from Segment or RudderStack needs: its contact to exist.
-- No lock is taken: a concurrent upsert of the same id either inserts first (this does nothing) or after
-- (it merges into this empty row).
INSERT INTO contacts (contact_id, country)
SELECT DISTINCT id, 'unknown' FROM unnest($1::text[]) AS ids(id)
ON CONFLICT (contact_id) DO NOTHING
