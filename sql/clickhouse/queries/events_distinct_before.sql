-- Distinct events ingested before a watermark (epoch seconds): the settled part of the count.
SELECT uniqExact(event_key) FROM events WHERE ingested_at < toDateTime(?)
