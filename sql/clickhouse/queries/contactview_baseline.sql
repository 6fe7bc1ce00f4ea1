-- The baseline views' reads for a batch of contacts (external table `batch`, one column contact_id), in one
-- round trip, a kind of row each. Parameters: from and to (epoch seconds) of the hourly span.
--   'h': per contact and event name, its hours (epoch seconds) and counts over [from, to) as comma-separated
--        lists, and the latest hour with an event timezone and that zone: shaped like evaluation_hourly;
--   'f': per contact with any event, its first hour with one.
-- Both read event_hourly through its primary key, which starts with contact_id; raw events are not read
-- (their granules are eight times larger, and a contact's events in four weeks span several of them).
SELECT 'h' AS kind, contact_id, event_name,
       arrayStringConcat(groupArray(toString(h)), ',') AS hours,
       arrayStringConcat(groupArray(toString(n)), ',') AS counts,
       toUInt64(maxIf(h, z != '')) AS at, argMaxIf(z, h, z != '') AS zone
FROM (
  SELECT contact_id, event_name, toUInt32(hour) AS h, maxMerge(zone) AS z, uniqExactMerge(events) AS n
  FROM event_hourly
  WHERE contact_id IN (SELECT contact_id FROM batch) AND hour >= toDateTime(?) AND hour < toDateTime(?)
  GROUP BY contact_id, hour, event_name
)
GROUP BY contact_id, event_name
UNION ALL
SELECT 'f' AS kind, contact_id, '' AS event_name, '' AS hours, '' AS counts, toUInt64(min(toUInt32(hour))) AS at, '' AS zone
FROM event_hourly
WHERE contact_id IN (SELECT contact_id FROM batch)
GROUP BY contact_id
