-- Sufficient statistics of stored send results for GET /v1/metrics/sends: one row per group key and arm
-- (holdout 0 or 1), never a row per send. The inner query folds each send's rows (one per event name,
-- replaced when a send is evaluated again: FINAL) into the send's observed and expected count of the
-- requested event name, 0 for a send without a row for it, and whether its verdict was up or down.
-- Parameters, all bound: the grouping (message_id, channel, day, send_hour or label) four times and the
-- label key; the event name four times; sent_at from (inclusive) and to (exclusive) in epoch seconds;
-- message_id and channel twice each ('' for no filter).
SELECT
  key,
  holdout,
  count() AS sends,
  countIf(status = 'evaluated') AS evaluated,
  sumIf(o, status = 'evaluated') AS sum_o,
  sumIf(e, status = 'evaluated') AS sum_e,
  sumIf(o * o, status = 'evaluated') AS sum_oo,
  sumIf(o * e, status = 'evaluated') AS sum_oe,
  sumIf(e * e, status = 'evaluated') AS sum_ee,
  countIf(status = 'evaluated' AND up = 1) AS ups,
  countIf(status = 'evaluated' AND down = 1) AS downs
FROM (
  SELECT
    send_id,
    any(multiIf(? = 'message_id', message_id,
                ? = 'channel', channel,
                ? = 'day', substring(toString(sent_at, 'UTC'), 1, 10),
                ? = 'send_hour', toString(send_hour),
                visitParamExtractString(labels, ?))) AS key,
    any(holdout) AS holdout,
    any(status) AS status,
    sumIf(observed, event_name = ?) AS o,
    sumIf(expected, event_name = ?) AS e,
    maxIf(verdict = 'up', event_name = ?) AS up,
    maxIf(verdict = 'down', event_name = ?) AS down
  FROM send_effects FINAL
  WHERE sent_at >= toDateTime(?) AND sent_at < toDateTime(?)
    AND (? = '' OR message_id = ?)
    AND (? = '' OR channel = ?)
  GROUP BY send_id
)
GROUP BY key, holdout
ORDER BY key, holdout
