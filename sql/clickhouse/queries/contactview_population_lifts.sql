-- The population's all-events ("*") observed and expected counts in event units over evaluated sends that
-- are not holdouts, by channel, local weekday (1 = Monday) and 3-hour block of the send, and labels (JSON
-- text): the centres of the priors of each contact's preferences. Read now and then, not per request.
--
-- Event units, as the preferences view puts a contact's own sends (ContactViewStore.EvaluatedSend): a
-- send's "*" counts are reward-weighted, so each is divided by the send's reward per expected event
-- u = e_star / e_events, where e_events is the unweighted sum of expected over the names the send shows
-- (reported = 1, event_name not '*' or ''): the same rows as the send's effects in PostgreSQL, so that a
-- send counts alike in the contact's tally and the population's (the reported = 0 rows of names the
-- contact did not perform are left out, as PostgreSQL does not have them). Then e_star / u = e_events and
-- o_star / u = o_star * e_events / e_star. It is done per send, in the inner query (one small state per
-- send), because that is exact: summing o_star, e_star and e_events per group and dividing by the group's
-- u would be cheaper but would weigh the sends of a group by their rewards, unlike the contact's own tally.
-- A send with e_star <= 0 or e_events <= 0 carries no information: it counts as a send with 0 and 0.
SELECT channel, send_weekday, intDiv(send_hour, 3) AS block, labels, count() AS sends,
       sum(if(e_star > 0 AND e_events > 0, o_star * e_events / e_star, 0)) AS sum_observed,
       sum(if(e_star > 0 AND e_events > 0, e_events, 0)) AS sum_expected
FROM (
  SELECT send_id, any(channel) AS channel, any(send_weekday) AS send_weekday, any(send_hour) AS send_hour,
         any(labels) AS labels, countIf(event_name = '*') AS stars,
         sumIf(observed, event_name = '*') AS o_star, sumIf(expected, event_name = '*') AS e_star,
         sumIf(expected, event_name NOT IN ('*', '') AND isFinite(expected)) AS e_events
  FROM send_effects FINAL
  WHERE status = 'evaluated' AND holdout = 0 AND reported = 1
  GROUP BY send_id
)
WHERE stars = 1 AND isFinite(o_star) AND isFinite(e_star)
GROUP BY channel, send_weekday, block, labels
