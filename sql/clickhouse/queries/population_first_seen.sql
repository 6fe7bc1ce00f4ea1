-- The first hour with any event of each sampled contact (see population_sample).
SELECT contact_id, toUInt32(min(hour)) AS first_hour
FROM event_hourly
WHERE hour < toDateTime(?) AND cityHash64(contact_id) % 10000 < ?
GROUP BY contact_id
