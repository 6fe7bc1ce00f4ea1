-- Events again, ordered by event name and time: audience behavior filters count one event name's events
-- per contact over the last days, and read only that name's rows here instead of every event (the events
-- table is ordered by contact first). Counts are taken over distinct event keys, so a row written twice
-- (by the backfill below run again after an interrupted start-up, or an event that arrives while it runs)
-- is still counted once.
CREATE TABLE IF NOT EXISTS events_by_name (
  event_name String,
  ts         DateTime,
  contact_id String,
  event_key  FixedString(16)
) ENGINE = MergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (event_name, ts, contact_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS events_by_name_mv TO events_by_name AS
SELECT event_name, ts, contact_id, event_key
FROM events;

INSERT INTO events_by_name
SELECT event_name, ts, contact_id, event_key
FROM events
