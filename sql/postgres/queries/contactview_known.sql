-- Whether a contact is known to the sends side: it has a row, or sends were recorded for it.
SELECT EXISTS (SELECT 1 FROM contacts WHERE contact_id = $1) OR EXISTS (SELECT 1 FROM sends WHERE contact_id = $1)
