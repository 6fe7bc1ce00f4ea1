-- Evaluation state of sends. A send is claimed by one server instance at a time: claimed_until is its
-- lease (a crashed instance's claims expire), claim_token tells whose claim it is, so that a late finish
-- of an expired claim cannot overwrite a newer one. Effects and baseline are json, not jsonb: kept as written,
-- so that effects read back in the order they were computed (event names, then "*").
ALTER TABLE sends
  ADD COLUMN effects          json,
  ADD COLUMN baseline         json,
  ADD COLUMN overlaps_send_id text,
  ADD COLUMN claimed_until    timestamptz,
  ADD COLUMN claim_token      uuid,
  ADD COLUMN due              boolean NOT NULL DEFAULT false;

-- A pending send is marked due once its window and grace period have passed (evaluation_mark_due), found
-- through the first index; due sends are claimed in contact order (evaluation_claim) through the second.
-- Neither index holds the sends whose windows are still open, however many there are.
CREATE INDEX IF NOT EXISTS sends_to_mark ON sends (window_end) WHERE status = 'pending' AND NOT due;
CREATE INDEX IF NOT EXISTS sends_claimable ON sends (contact_id) WHERE status = 'pending' AND due;

-- Earlier sends of a contact, for the windows left out of its baseline.
CREATE INDEX IF NOT EXISTS sends_by_contact_window ON sends (contact_id, window_end);
