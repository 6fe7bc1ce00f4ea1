-- Which events of a spooled batch are stored already: the batch travels as the external table `spooled`
-- (contact_id, and event_key as hex), so that rows a failed insert may have committed are left out of the
-- batch's insert. contact_id leads the table's order, so only the batch's contacts are read. (The alias must not be
-- event_key: an alias replaces the column of its name everywhere in the query.)
-- {events} is every copy of the events (ClickHouse.everyReplica): on a cluster, every replica's local table, so
-- that rows only a stopped replica took are found (the read fails until it is back), with GLOBAL IN shipping the
-- batch to them.
SELECT DISTINCT hex(event_key) AS stored_key
FROM {events}
WHERE contact_id GLOBAL IN (SELECT contact_id FROM spooled) AND hex(event_key) GLOBAL IN (SELECT event_key FROM spooled)
