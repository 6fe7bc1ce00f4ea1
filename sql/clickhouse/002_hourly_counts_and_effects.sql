-- Hourly event counts per contact and event name: what baselines read instead of raw events. A state of
-- distinct event keys, not a plain count, so that an event stored twice is still counted once, and so
-- that running the backfill below again (after an interrupted start-up) changes nothing. The zone is the
-- largest non-empty event timezone of the hour (events without one carry ''). Hours are whole UTC hours,
-- computed without the server's own time zone. Small index granules: a batch reads the rows of a thousand
-- contacts out of many, and each contact has only some hundreds of rows.
CREATE TABLE IF NOT EXISTS event_hourly (
  contact_id String,
  hour       DateTime,
  event_name String,
  zone       AggregateFunction(max, String),
  events     AggregateFunction(uniqExact, FixedString(16))
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(hour)
ORDER BY (contact_id, hour, event_name)
SETTINGS index_granularity = 1024;

CREATE MATERIALIZED VIEW IF NOT EXISTS event_hourly_mv TO event_hourly AS
SELECT contact_id, toDateTime(intDiv(toUInt32(ts), 3600) * 3600) AS hour, event_name,
       maxState(timezone) AS zone, uniqExactState(event_key) AS events
FROM events
GROUP BY contact_id, hour, event_name;

INSERT INTO event_hourly
SELECT contact_id, toDateTime(intDiv(toUInt32(ts), 3600) * 3600) AS hour, event_name,
       maxState(timezone) AS zone, uniqExactState(event_key) AS events
FROM events
GROUP BY contact_id, hour, event_name;

-- The effects of evaluated sends, one row per send and event name (a send with insufficient history has
-- one row with an empty event_name), mirrored from PostgreSQL for aggregates. Besides the effects a send
-- shows (reported = 1), every other event name the population performs has a row (reported = 0: nothing
-- observed, nothing in the baseline, the small count the contact's shrunk rate still expects), so that
-- sums of expected over sends are not short of what quiet contacts would have done. A send evaluated
-- again after a crash replaces its rows: read with FINAL, or argMax over version.
CREATE TABLE IF NOT EXISTS send_effects (
  send_id       String,
  contact_id    String,
  message_id    String,
  channel       String,
  labels        String,
  holdout       UInt8,
  sent_at       DateTime,
  send_hour     UInt8,
  send_weekday  UInt8,
  window_hours  Float64,
  status        String,
  overlapping   UInt8,
  evaluated_at  DateTime,
  event_name    String,
  reported      UInt8,
  observed      Float64,
  expected      Float64,
  p_value       Float64,
  prob_increase Float64,
  verdict       String,
  version       UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(sent_at)
ORDER BY (message_id, send_id, event_name)
