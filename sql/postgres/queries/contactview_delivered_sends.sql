-- The contact's delivered (not holdout) sends whose windows end after $2 and that went out before $3: their
-- windows are left out of the baseline, as the engine leaves them out of the baselines of later sends.
SELECT sent_at, window_end FROM sends WHERE contact_id = $1 AND window_end > $2 AND sent_at < $3 AND NOT holdout
