-- Raw events. event_key is a 128-bit hash of the event's identity (contact_id plus event_instance_id,
-- or contact_id, time, name and metadata): a resent event has the same key, every count is
-- uniqExact(event_key), and ReplacingMergeTree folds identical resends away at merge time.
-- DateTime plus milliseconds instead of DateTime64, which 18.16 lacks.
CREATE TABLE IF NOT EXISTS events (
  contact_id        String,
  ts                DateTime,
  ts_ms             UInt16,
  event_name        String,
  event_instance_id String,
  timezone          String,
  metadata          String,
  event_key         FixedString(16),
  ingested_at       DateTime
) ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(ts)
ORDER BY (contact_id, event_name, ts, event_key)
