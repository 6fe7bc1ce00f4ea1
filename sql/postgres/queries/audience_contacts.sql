-- The ids of the contacts that pass every property filter, in code point order. The WHERE clause is the
-- audience_property_* fragments joined by AND (or TRUE).
SELECT contact_id
FROM contacts
WHERE :filters
ORDER BY contact_id COLLATE "C"
