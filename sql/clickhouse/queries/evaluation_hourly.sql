-- Hourly counts of the batch's contacts over [from, to) (epoch seconds): the sufficient statistics of baselines.
SELECT contact_id, toUInt32(hour) AS hour, event_name, maxMerge(zone) AS zone, toUInt32(uniqExactMerge(events)) AS events
FROM event_hourly
WHERE contact_id IN (SELECT contact_id FROM batch) AND hour >= toDateTime(?) AND hour < toDateTime(?)
GROUP BY contact_id, hour, event_name
