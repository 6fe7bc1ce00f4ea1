SELECT contact_id, country, push_token, phone_number, email_address, timezone, properties, updated_at
FROM contacts WHERE contact_id = $1
