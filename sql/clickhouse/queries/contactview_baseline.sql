-- The baseline views' reads for a batch of contacts (external table `batch`, one column contact_id), in one
-- round trip, a kind of row each. Parameters: from and to (epoch seconds) of the hourly span.
--   'h': per contact, hour (epoch seconds) and event name in [from, to), its count of distinct events and
--        the hour's largest event timezone ('' for none);
--   'f': per contact with any event, its first hour with one.
-- Both read event_hourly through its primary key, which starts with contact_id; raw events are not read
-- (their granules are eight times larger, and a contact's events in four weeks span several of them).
-- Rows per hour, not lists per event name as evaluation_hourly returns them: for a handful of contacts
-- the second aggregation costs ClickHouse more than the rows it saves (about 4 ms against 7 per query).
SELECT 'h' AS kind, contact_id, event_name, toUInt32(hour) AS h, uniqExactMerge(events) AS n, maxMerge(zone) AS z
FROM event_hourly
WHERE contact_id IN (SELECT contact_id FROM batch) AND hour >= toDateTime(?) AND hour < toDateTime(?)
GROUP BY contact_id, hour, event_name
UNION ALL
SELECT 'f' AS kind, contact_id, '' AS event_name, toUInt32(min(hour)) AS h, toUInt64(0) AS n, '' AS z
FROM event_hourly
WHERE contact_id IN (SELECT contact_id FROM batch)
GROUP BY contact_id
