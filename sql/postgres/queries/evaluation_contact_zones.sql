SELECT contact_id, timezone FROM contacts WHERE contact_id = ANY($1::text[]) AND timezone IS NOT NULL
