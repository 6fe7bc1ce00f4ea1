-- Contacts with at least one event of one name since a time: no count, so no distinct keys to keep.
SELECT DISTINCT contact_id
FROM events_by_name
WHERE event_name = ? AND ts >= toDateTime(?)
