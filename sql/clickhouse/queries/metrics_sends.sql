-- Sufficient statistics of stored send results for GET /v1/metrics/sends: one row per group key, arm
-- (holdout 0 or 1) and UTC day of evaluation, never a row per send or per contact. Four levels:
-- 1. per send: the send's rows (replaced when a send is evaluated again: FINAL) folded into its observed
--    and expected count of the requested event name, 0 for a send without a row for it, whether its
--    verdict was up or down, its contact, its overlap flag and the day it was evaluated (days since
--    1970-01-01 in UTC). Only the rows of that name and of "*" (every evaluated send has one) or "" (the
--    one row of a send with insufficient history) are read, so that every send is seen once whatever
--    names it has; the group key is computed once per send.
-- 2. per group, arm, contact and day: the counts, and the sums of the sends that count (evaluated and
--    not overlapping another delivered send's window).
-- 3. per group, arm and contact: the contact's days in order, its observed and expected sums cumulated
--    over them (O_c and E_c as they stood at the end of each day), and what each day adds to the sums
--    over contacts: 1 to the number of contacts on the contact's first day with a counted send, and
--    O_c^2, O_c E_c, E_c^2 minus their values at the contact's previous day. Sends of one contact are
--    correlated, so the contact is the unit: its sends are summed before anything is squared.
-- 4. per group, arm and day: those additions summed over contacts. The caller cumulates them over the
--    days (ClickHouse 18.16 has no window functions) and so has the clustered sums at the end of each day.
-- Parameters, all bound: the grouping (message_id, channel, day, send_hour or label) four times and the
-- label key; the event name five times; sent_at from (inclusive) and to (exclusive) in epoch seconds;
-- message_id and channel twice each ('' for no filter).
SELECT
  key,
  holdout,
  day,
  sum(j_sends) AS sends,
  sum(j_evaluated) AS evaluated,
  sum(j_overlapping) AS overlapping,
  sum(j_counted) AS counted,
  sum(j_ups) AS ups,
  sum(j_downs) AS downs,
  sum(j_n) AS add_n,
  sum(j_o) AS add_o,
  sum(j_e) AS add_e,
  sum(j_oo) AS add_oo,
  sum(j_oe) AS add_oe,
  sum(j_ee) AS add_ee
FROM (
  SELECT
    key,
    holdout,
    contact_id,
    arraySort(x -> tupleElement(x, 1),
      groupArray((day, c_sends, c_evaluated, c_overlapping, c_counted, c_ups, c_downs, c_o, c_e))) AS r,
    arrayMap(x -> tupleElement(x, 1), r) AS days,
    arrayCumSum(arrayMap(x -> tupleElement(x, 5), r)) AS cum_n,
    arrayCumSum(arrayMap(x -> tupleElement(x, 8), r)) AS cum_o,
    arrayCumSum(arrayMap(x -> tupleElement(x, 9), r)) AS cum_e,
    arrayPopBack(arrayPushFront(cum_n, toUInt64(0))) AS prev_n,
    arrayPopBack(arrayPushFront(cum_o, toFloat64(0))) AS prev_o,
    arrayPopBack(arrayPushFront(cum_e, toFloat64(0))) AS prev_e,
    arrayMap(x -> tupleElement(x, 2), r) AS days_sends,
    arrayMap(x -> tupleElement(x, 3), r) AS days_evaluated,
    arrayMap(x -> tupleElement(x, 4), r) AS days_overlapping,
    arrayMap(x -> tupleElement(x, 5), r) AS days_counted,
    arrayMap(x -> tupleElement(x, 6), r) AS days_ups,
    arrayMap(x -> tupleElement(x, 7), r) AS days_downs,
    arrayMap((n, p) -> toUInt64(n > 0 AND p = 0), cum_n, prev_n) AS days_new,
    arrayMap((o, p) -> o - p, cum_o, prev_o) AS days_o,
    arrayMap((e, p) -> e - p, cum_e, prev_e) AS days_e,
    arrayMap((o, p) -> o * o - p * p, cum_o, prev_o) AS days_oo,
    arrayMap((o, e, po, pe) -> o * e - po * pe, cum_o, cum_e, prev_o, prev_e) AS days_oe,
    arrayMap((e, p) -> e * e - p * p, cum_e, prev_e) AS days_ee
  FROM (
    SELECT
      key,
      send_holdout AS holdout,
      send_contact AS contact_id,
      send_day AS day,
      count() AS c_sends,
      countIf(send_status = 'evaluated') AS c_evaluated,
      countIf(send_overlapping = 1) AS c_overlapping,
      countIf(counts = 1) AS c_counted,
      countIf(counts = 1 AND up = 1) AS c_ups,
      countIf(counts = 1 AND down = 1) AS c_downs,
      sumIf(o, counts = 1) AS c_o,
      sumIf(e, counts = 1) AS c_e
    FROM (
      SELECT
        multiIf(? = 'message_id', send_message_id,
                ? = 'channel', send_channel,
                ? = 'day', substring(toString(send_sent_at, 'UTC'), 1, 10),
                ? = 'send_hour', toString(send_send_hour),
                visitParamExtractString(send_labels, ?)) AS key,
        send_holdout,
        send_contact,
        send_status,
        send_overlapping,
        intDiv(toUInt32(send_evaluated_at), 86400) AS send_day,
        send_status = 'evaluated' AND send_overlapping = 0 AS counts,
        o, e, up, down
      FROM (
        SELECT
          send_id,
          any(contact_id) AS send_contact,
          any(message_id) AS send_message_id,
          any(channel) AS send_channel,
          any(labels) AS send_labels,
          any(sent_at) AS send_sent_at,
          any(send_hour) AS send_send_hour,
          any(holdout) AS send_holdout,
          any(status) AS send_status,
          max(overlapping) AS send_overlapping,
          max(evaluated_at) AS send_evaluated_at,
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
    )
    GROUP BY key, holdout, contact_id, day
  )
  GROUP BY key, holdout, contact_id
)
ARRAY JOIN
  days AS day,
  days_sends AS j_sends,
  days_evaluated AS j_evaluated,
  days_overlapping AS j_overlapping,
  days_counted AS j_counted,
  days_ups AS j_ups,
  days_downs AS j_downs,
  days_new AS j_n,
  days_o AS j_o,
  days_e AS j_e,
  days_oo AS j_oo,
  days_oe AS j_oe,
  days_ee AS j_ee
GROUP BY key, holdout, day
ORDER BY key, holdout, day
