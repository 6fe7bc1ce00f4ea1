-- Evaluation state of sends. A send is claimed by one server instance at a time: claimed_until is its
-- lease (a crashed instance's claims expire), claim_token tells whose claim it is, so that a late finish
-- of an expired claim cannot overwrite a newer one.
ALTER TABLE sends
  ADD COLUMN effects          jsonb,
  ADD COLUMN baseline         jsonb,
  ADD COLUMN overlaps_send_id text,
  ADD COLUMN claimed_until    timestamptz,
  ADD COLUMN claim_token      uuid;

-- Earlier sends of a contact, for the windows left out of its baseline.
CREATE INDEX IF NOT EXISTS sends_by_contact_window ON sends (contact_id, window_end);
