SELECT send_id, contact_id, message_id, channel, labels, holdout, sent_at, window_hours, window_end, status, evaluated_at,
       effects, baseline, overlaps_send_id
FROM sends WHERE send_id = $1
