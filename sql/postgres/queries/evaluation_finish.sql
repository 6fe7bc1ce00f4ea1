-- Stores the results of claimed sends, only while the claim ($6) is still ours: a claim that expired and was
-- taken over is finished by its new owner. Returns the sends as stored, to publish them.
UPDATE sends s
SET status = r.status, effects = r.effects::json, baseline = r.baseline::json, overlaps_send_id = r.overlapping,
    evaluated_at = $7, claimed_until = NULL, claim_token = NULL
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS r(send_id, status, effects, baseline, overlapping)
WHERE s.send_id = r.send_id AND s.claim_token = $6 AND s.status = 'pending'
RETURNING s.send_id, s.contact_id, s.message_id, s.channel, s.labels, s.holdout, s.sent_at, s.window_hours, s.window_end,
          s.status, s.evaluated_at, s.effects, s.baseline, s.overlaps_send_id
