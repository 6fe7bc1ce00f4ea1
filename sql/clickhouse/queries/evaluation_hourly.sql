-- Hourly counts of the batch's contacts over [from, to) (epoch seconds): the sufficient statistics of baselines.
-- One row per contact and event name, its hours (epoch seconds) and counts as comma-separated lists: a tenth
-- of the rows of one per hour, which is what reading the result costs. Also the latest hour with an event
-- timezone, and that zone.
SELECT contact_id, event_name,
       arrayStringConcat(groupArray(toString(h)), ',') AS hours,
       arrayStringConcat(groupArray(toString(n)), ',') AS counts,
       maxIf(h, z != '') AS zone_hour, argMaxIf(z, h, z != '') AS zone
FROM (
  SELECT contact_id, event_name, toUInt32(hour) AS h, maxMerge(zone) AS z, uniqExactMerge(events) AS n
  FROM event_hourly
  WHERE contact_id IN (SELECT contact_id FROM batch) AND hour >= toDateTime(?) AND hour < toDateTime(?)
  GROUP BY contact_id, hour, event_name
)
GROUP BY contact_id, event_name
