-- Distinct events per send and event name in each send's window [start_ms, end_ms); the batch's windows all
-- lie within [from, to) (epoch seconds), which lets the primary key skip the rest.
SELECT send_id, event_name, toUInt32(uniqExact(event_key)) AS events
FROM events ALL INNER JOIN batch USING contact_id
WHERE contact_id IN (SELECT contact_id FROM batch) AND ts >= toDateTime(?) AND ts < toDateTime(?)
  AND toUInt64(ts) * 1000 + ts_ms >= start_ms AND toUInt64(ts) * 1000 + ts_ms < end_ms
GROUP BY send_id, event_name
