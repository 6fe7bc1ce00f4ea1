-- One contact's reads for its baseline view, in one round trip, a kind of row each. Parameters: contact_id,
-- from and to (epoch seconds) of the hourly span; contact_id.
--   'h': per event name, its hours (epoch seconds) and counts over [from, to) as comma-separated lists, and the
--        latest hour with an event timezone and that zone: shaped like evaluation_hourly;
--   'f': the first hour with any event of the contact (0 when it has none).
-- Both read event_hourly through its primary key, which starts with contact_id; raw events are not read
-- (their granules are eight times larger, and a contact's events in four weeks span several of them).
SELECT 'h' AS kind, event_name,
       arrayStringConcat(groupArray(toString(h)), ',') AS hours,
       arrayStringConcat(groupArray(toString(n)), ',') AS counts,
       toUInt64(maxIf(h, z != '')) AS at, argMaxIf(z, h, z != '') AS zone
FROM (
  SELECT event_name, toUInt32(hour) AS h, maxMerge(zone) AS z, uniqExactMerge(events) AS n
  FROM event_hourly
  WHERE contact_id = ? AND hour >= toDateTime(?) AND hour < toDateTime(?)
  GROUP BY hour, event_name
)
GROUP BY event_name
UNION ALL
SELECT 'f' AS kind, '' AS event_name, '' AS hours, '' AS counts, toUInt64(min(toUInt32(hour))) AS at, '' AS zone
FROM event_hourly
WHERE contact_id = ?
