-- One contact's reads for its baseline view, in one round trip, a kind of row each. Parameters: contact_id,
-- from and to (epoch seconds) of the hourly span; contact_id; contact_id, from and as_of (epoch seconds) and
-- as_of (epoch ms) of the raw events.
--   'h': per event name, its hours (epoch seconds) and counts over [from, to) as comma-separated lists, and the
--        latest hour with an event timezone and that zone: shaped like evaluation_hourly;
--   'f': the first hour with any event of the contact (0 when it has none);
--   'l': per event name, its latest event (epoch ms) from `from` to just before as_of.
-- Every read goes through the primary keys, which start with contact_id.
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
UNION ALL
SELECT 'l' AS kind, event_name, '' AS hours, '' AS counts, max(toUInt64(ts) * 1000 + ts_ms) AS at, '' AS zone
FROM events
WHERE contact_id = ? AND ts >= toDateTime(?) AND ts <= toDateTime(?) AND toUInt64(ts) * 1000 + ts_ms < ?
GROUP BY event_name
