-- Contacts with at least one event of any name since a time.
SELECT DISTINCT contact_id
FROM events_by_name
WHERE ts >= toDateTime(?)
