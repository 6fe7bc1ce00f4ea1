-- Which events of a spooled batch are stored already: the batch travels as the external table `spooled`
-- (contact_id, and event_key as hex), so that rows a failed insert may have committed are left out of the
-- batch's insert. contact_id leads the table's order, so only the batch's contacts are read. (The alias must not be
-- event_key: an alias replaces the column of its name everywhere in the query.)
SELECT DISTINCT hex(event_key) AS stored_key
FROM events
WHERE contact_id IN (SELECT contact_id FROM spooled) AND hex(event_key) IN (SELECT event_key FROM spooled)
