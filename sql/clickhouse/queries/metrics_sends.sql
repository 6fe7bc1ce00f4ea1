-- Sufficient statistics of stored send results for GET /v1/metrics/sends: one row per group key and arm
-- (holdout 0 or 1), never a row per send. The inner query folds each send's rows (replaced when a send is
-- evaluated again: FINAL) into the send's observed and expected count of the requested event name, 0 for
-- a send without a row for it, and whether its verdict was up or down. Only the rows of that name and of
-- "*" (every evaluated send has one) or "" (the one row of a send with insufficient history) are read,
-- so that every send is seen once whatever names it has; the group key is computed once per send.
-- Parameters, all bound: the event name five times; sent_at from (inclusive) and to (exclusive) in epoch
-- seconds; message_id and channel twice each ('' for no filter); the grouping (message_id, channel, day,
-- send_hour or label) four times and the label key.
SELECT
  multiIf(? = 'message_id', send_message_id,
          ? = 'channel', send_channel,
          ? = 'day', substring(toString(send_sent_at, 'UTC'), 1, 10),
          ? = 'send_hour', toString(send_send_hour),
          visitParamExtractString(send_labels, ?)) AS key,
  send_holdout AS holdout,
  count() AS sends,
  countIf(send_status = 'evaluated') AS evaluated,
  sumIf(o, send_status = 'evaluated') AS sum_o,
  sumIf(e, send_status = 'evaluated') AS sum_e,
  sumIf(o * o, send_status = 'evaluated') AS sum_oo,
  sumIf(o * e, send_status = 'evaluated') AS sum_oe,
  sumIf(e * e, send_status = 'evaluated') AS sum_ee,
  countIf(send_status = 'evaluated' AND up = 1) AS ups,
  countIf(send_status = 'evaluated' AND down = 1) AS downs
FROM (
  SELECT
    send_id,
    any(message_id) AS send_message_id,
    any(channel) AS send_channel,
    any(labels) AS send_labels,
    any(sent_at) AS send_sent_at,
    any(send_hour) AS send_send_hour,
    any(holdout) AS send_holdout,
    any(status) AS send_status,
    sumIf(observed, event_name = ?) AS o,
    sumIf(expected, event_name = ?) AS e,
    maxIf(verdict = 'up', event_name = ?) AS up,
    maxIf(verdict = 'down', event_name = ?) AS down
  FROM send_effects FINAL
  WHERE event_name IN (?, '*', '')
    AND sent_at >= toDateTime(?) AND sent_at < toDateTime(?)
    AND (? = '' OR message_id = ?)
    AND (? = '' OR channel = ?)
  GROUP BY send_id
)
GROUP BY key, send_holdout
ORDER BY key, send_holdout
