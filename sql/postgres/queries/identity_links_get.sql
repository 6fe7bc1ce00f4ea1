-- The user ids that these anonymous ids are linked to.
SELECT anonymous_id, user_id FROM identity_links WHERE anonymous_id = ANY($1::text[])
