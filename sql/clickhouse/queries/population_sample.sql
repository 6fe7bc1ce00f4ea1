-- Hourly counts over [from, to) of a sample of contacts: those whose hash falls below the threshold (of 10000).
SELECT contact_id, toUInt32(hour) AS hour, event_name, maxMerge(zone) AS zone, toUInt32(uniqExactMerge(events)) AS events
FROM event_hourly
WHERE hour >= toDateTime(?) AND hour < toDateTime(?) AND cityHash64(contact_id) % 10000 < ?
GROUP BY contact_id, hour, event_name
