-- The ids of the contacts that pass every property filter, in code point order. The WHERE clause is the
-- audience_property_* fragments joined by AND (or TRUE). doc is a contact's properties plus its country
-- and reach fields, which filter like properties.
SELECT contact_id
FROM (SELECT contact_id,
             properties || jsonb_strip_nulls(jsonb_build_object('country', country, 'push_token', push_token,
               'phone_number', phone_number, 'email_address', email_address, 'timezone', timezone)) AS doc
      FROM contacts) c
WHERE :filters
ORDER BY contact_id COLLATE "C"
