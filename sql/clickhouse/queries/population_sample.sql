-- Hourly counts over [from, to) of a sample of contacts: those whose hash falls below the threshold (of 10000).
-- Shaped like evaluation_hourly.
SELECT contact_id, event_name,
       arrayStringConcat(groupArray(toString(h)), ',') AS hours,
       arrayStringConcat(groupArray(toString(n)), ',') AS counts,
       maxIf(h, z != '') AS zone_hour, argMaxIf(z, h, z != '') AS zone
FROM (
  SELECT contact_id, event_name, toUInt32(hour) AS h, maxMerge(zone) AS z, uniqExactMerge(events) AS n
  FROM event_hourly
  WHERE hour >= toDateTime(?) AND hour < toDateTime(?) AND cityHash64(contact_id) % 10000 < ?
  GROUP BY contact_id, hour, event_name
)
GROUP BY contact_id, event_name
