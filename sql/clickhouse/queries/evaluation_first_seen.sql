-- The first hour with any event of each of the batch's contacts.
SELECT contact_id, toUInt32(min(hour)) AS first_hour
FROM event_hourly
WHERE contact_id IN (SELECT contact_id FROM batch)
GROUP BY contact_id
