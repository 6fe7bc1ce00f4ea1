-- Distinct events ingested since a watermark (epoch seconds), and how many of them had already been
-- ingested before it (a resend the server did not recognise): only the contacts of the recent events
-- are read for the second figure, through the primary key.
SELECT
  (SELECT uniqExact(event_key) FROM events WHERE ingested_at >= toDateTime(?)) AS recent,
  (SELECT uniqExact(event_key) FROM events
   WHERE ingested_at < toDateTime(?)
     AND contact_id IN (SELECT contact_id FROM events WHERE ingested_at >= toDateTime(?))
     AND event_key IN (SELECT event_key FROM events WHERE ingested_at >= toDateTime(?))) AS seen_before
