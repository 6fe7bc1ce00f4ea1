-- Contacts whose distinct events of one name since a time number between two bounds. Distinct
-- events are told apart by the first 64 bits of their 128-bit key: two events of one contact share them
-- with a chance of about n^2 / 2^65, and a set of 64-bit numbers counts several times faster.
SELECT contact_id
FROM events_by_name
WHERE event_name = ? AND ts >= toDateTime(?)
GROUP BY contact_id
HAVING uniqExact(reinterpretAsUInt64(event_key)) BETWEEN ? AND ?
