-- The contact's latest $2 evaluated sends that are not holdouts, with the observed and expected counts of
-- their all-events effect ("*") and the zone their hours were read in (sends_by_contact serves the order).
SELECT s.channel, s.labels, s.sent_at, s.baseline->>'timezone' AS timezone,
       (t.e->>'observed')::float8 AS observed, (t.e->>'expected')::float8 AS expected
FROM sends s
CROSS JOIN LATERAL (SELECT e FROM json_array_elements(s.effects) e WHERE e->>'event_name' = '*' LIMIT 1) t
WHERE s.contact_id = $1 AND s.status = 'evaluated' AND NOT s.holdout
ORDER BY s.sent_at DESC
LIMIT $2
