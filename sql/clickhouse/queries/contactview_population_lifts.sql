-- The population's all-events ("*") observed and expected counts over evaluated sends that are not holdouts,
-- by channel, local weekday (1 = Monday) and 3-hour block of the send, and labels (JSON text): the centres
-- of the priors of each contact's preferences. Read now and then, not per request.
SELECT channel, send_weekday, intDiv(send_hour, 3) AS block, labels,
       count() AS sends, sum(observed) AS sum_observed, sum(expected) AS sum_expected
FROM send_effects FINAL
WHERE event_name = '*' AND status = 'evaluated' AND holdout = 0 AND isFinite(observed) AND isFinite(expected)
GROUP BY channel, send_weekday, block, labels
