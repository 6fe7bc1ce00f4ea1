-- Contacts whose distinct events of any name since a time number between two bounds.
SELECT contact_id
FROM events_by_name
WHERE ts >= toDateTime(?)
GROUP BY contact_id
HAVING uniqExact(event_key) BETWEEN ? AND ?
