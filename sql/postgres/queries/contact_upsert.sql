-- Upserts a chunk of contacts (one row per contact_id). $3 holds, per row, the reach fields that were
-- given (a null value clears the field); $4 the properties (a null value removes the property).
-- Returns the contacts that were created or changed; the others were already stored as given.
-- A null country keeps the stored one, or is 'unknown' for a new contact (Segment/RudderStack traffic
-- may create contacts before their country is known).
-- Callers hold contact_lock for these ids, so the stored row read here cannot change before the write.
WITH input AS (
  SELECT r.contact_id, r.country, r.reach::jsonb AS reach, r.props::jsonb AS props
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS r(contact_id, country, reach, props)
), merged AS (
  SELECT i.contact_id,
         coalesce(i.country, c.country, 'unknown') AS country,
         CASE WHEN i.reach ? 'push_token'    THEN i.reach->>'push_token'    ELSE c.push_token    END AS push_token,
         CASE WHEN i.reach ? 'phone_number'  THEN i.reach->>'phone_number'  ELSE c.phone_number  END AS phone_number,
         CASE WHEN i.reach ? 'email_address' THEN i.reach->>'email_address' ELSE c.email_address END AS email_address,
         CASE WHEN i.reach ? 'timezone'      THEN i.reach->>'timezone'      ELSE c.timezone      END AS timezone,
         jsonb_strip_nulls(coalesce(c.properties, '{}'::jsonb) || i.props) AS properties,
         c.contact_id IS NOT NULL AS existed,
         c.country AS old_country, c.push_token AS old_push_token, c.phone_number AS old_phone_number,
         c.email_address AS old_email_address, c.timezone AS old_timezone, c.properties AS old_properties
  FROM input i LEFT JOIN contacts c ON c.contact_id = i.contact_id
)
INSERT INTO contacts AS c (contact_id, country, push_token, phone_number, email_address, timezone, properties)
SELECT contact_id, country, push_token, phone_number, email_address, timezone, properties
FROM merged m
WHERE NOT m.existed
   OR (m.old_country, m.old_push_token, m.old_phone_number, m.old_email_address, m.old_timezone, m.old_properties)
      IS DISTINCT FROM (m.country, m.push_token, m.phone_number, m.email_address, m.timezone, m.properties)
ON CONFLICT (contact_id) DO UPDATE SET
  country = EXCLUDED.country,
  push_token = EXCLUDED.push_token,
  phone_number = EXCLUDED.phone_number,
  email_address = EXCLUDED.email_address,
  timezone = EXCLUDED.timezone,
  properties = EXCLUDED.properties,
  updated_at = now()
RETURNING c.contact_id
