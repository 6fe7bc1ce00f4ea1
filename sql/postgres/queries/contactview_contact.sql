-- What the per-contact views need of a contact: its own timezone and the fields it can be reached by.
SELECT timezone, push_token, phone_number, email_address FROM contacts WHERE contact_id = $1
