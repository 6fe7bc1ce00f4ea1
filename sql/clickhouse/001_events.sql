-- Raw events. event_key is a 128-bit hash of the event's identity (contact_id plus event_instance_id,
-- or contact_id, time, name and metadata): a resent event has the same key, and every count is taken
-- over distinct keys, so an event stored twice is counted once. Resends that the server recognises are
-- not written again. DateTime plus milliseconds instead of DateTime64, which 18.16 lacks; ingested_at
-- tells late events from timely ones.
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
) ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (contact_id, event_name, ts)
