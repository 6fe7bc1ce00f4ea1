-- What the preferences view needs from PostgreSQL, in one round trip: the contact's own timezone and reach
-- fields (null when it has no row), with its latest $2 evaluated sends that are not holdouts, one a row,
-- their options, the zone their hours were read in, the observed and expected counts of their all-events
-- effect ("*", reward-weighted), and events_expected, the unweighted sum of the expected counts of the
-- send's per-name effects (every row of effects but "*": the names the send shows; null without any),
-- from which the view puts the "*" counts in event units; sends_by_contact serves the order. At least
-- one row: without sends, one row whose send columns are null.
SELECT c.contact_id IS NOT NULL AS has_row, c.timezone, c.push_token, c.phone_number, c.email_address,
       s.channel, s.labels, s.sent_at, s.zone, s.observed, s.expected, s.events_expected
FROM (SELECT 1) AS one
LEFT JOIN contacts c ON c.contact_id = $1
LEFT JOIN LATERAL (
  SELECT x.channel, x.labels, x.sent_at, x.baseline->>'timezone' AS zone,
         (t.e->>'observed')::float8 AS observed, (t.e->>'expected')::float8 AS expected,
         (SELECT sum((n->>'expected')::float8) FROM json_array_elements(x.effects) n
          WHERE n->>'event_name' NOT IN ('*', '')) AS events_expected
  FROM sends x
  CROSS JOIN LATERAL (SELECT e FROM json_array_elements(x.effects) e WHERE e->>'event_name' = '*' LIMIT 1) t
  WHERE x.contact_id = $1 AND x.status = 'evaluated' AND NOT x.holdout
  ORDER BY x.sent_at DESC
  LIMIT $2
) s ON true
