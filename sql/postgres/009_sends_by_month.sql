-- Sends partitioned by the month of sent_at (UTC), so that old sends leave by dropping a whole month
-- (SHIFTLENS_SEND_RETENTION_MONTHS) instead of by a DELETE that rewrites and bloats one large table.
-- The evaluation state (status, due, claims, effects, baseline) is columns of sends: it moves with them.
--
-- Idempotence by send_id: a unique constraint on a partitioned table must include the partition key, so
-- sends' own primary key is (send_id, sent_at) and cannot say that a send_id is stored once. A send_id
-- with a different sent_at (a client that resends with a new time) would land as a second row, maybe in
-- another month. The time cannot be derived from the id either: send ids are the client's. So send_ids,
-- one narrow unpartitioned table with send_id as its primary key, is the global record of which ids exist:
-- send_insert claims the id there first and stores the send only if that claim is new, in one statement,
-- which gives exactly today's answer (first write wins, any resend of the id is a duplicate whatever its
-- time). send_ids keeps its rows when a month of sends is dropped: a late resend of a dropped send stays
-- a duplicate, not a new send evaluated a second time.
--
-- Months are created ahead (sends_add_month, at start-up and hourly by SendPartitions); sends_default takes
-- any send whose month has no partition yet, so an insert never fails for a missing one, and
-- sends_add_month moves such rows into the month when it is created.
--
-- Done in one transaction: the partitioned table is made beside sends, the rows moved, the names swapped.
CREATE TABLE send_ids (
  send_id text PRIMARY KEY
);
INSERT INTO send_ids (send_id) SELECT send_id FROM sends;

CREATE TABLE sends_partitioned (
  LIKE sends INCLUDING DEFAULTS,
  PRIMARY KEY (send_id, sent_at)
) PARTITION BY RANGE (sent_at);
CREATE TABLE sends_default PARTITION OF sends_partitioned DEFAULT;

ALTER TABLE sends RENAME TO sends_unpartitioned;
ALTER TABLE sends_partitioned RENAME TO sends;

-- Creates the partition sends_YYYY_MM of the month that holds $1 (UTC) unless it exists; returns whether it
-- did. Sends of that month already in sends_default move into it. Several servers may call it at once: an
-- advisory lock (held to the end of the caller's transaction) lets one work at a time.
CREATE FUNCTION sends_add_month(day date) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  lo timestamptz := date_trunc('month', day::timestamp) AT TIME ZONE 'UTC';
  hi timestamptz := (date_trunc('month', day::timestamp) + interval '1 month') AT TIME ZONE 'UTC';
  part text := 'sends_' || to_char(day, 'YYYY_MM');
BEGIN
  PERFORM pg_advisory_xact_lock(91707910026355); -- "Shifts" in hex: partitions of sends
  IF to_regclass(part) IS NOT NULL THEN
    RETURN false;
  END IF;
  EXECUTE format('CREATE TABLE %I (LIKE sends INCLUDING DEFAULTS)', part);
  -- A month cannot be attached while sends_default holds rows of it.
  EXECUTE format('WITH moved AS (DELETE FROM sends_default WHERE sent_at >= $1 AND sent_at < $2 RETURNING *)'
      || ' INSERT INTO %I SELECT * FROM moved', part) USING lo, hi;
  EXECUTE format('ALTER TABLE sends ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
  RETURN true;
END
$$;

-- Drops the monthly partitions of sends that end at or before $1, whole; returns their names. Never
-- sends_default, never a row at a time.
CREATE FUNCTION sends_drop_months_before(cutoff timestamptz) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  part text;
BEGIN
  PERFORM pg_advisory_xact_lock(91707910026355);
  FOR part IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'sends'::regclass AND c.relname ~ '^sends_[0-9]{4}_[0-9]{2}$'
      AND (to_date(substr(c.relname, 7), 'YYYY_MM') + interval '1 month') AT TIME ZONE 'UTC' <= cutoff
    ORDER BY c.relname
  LOOP
    EXECUTE format('DROP TABLE %I', part);
    RETURN NEXT part;
  END LOOP;
END
$$;

-- The months that hold sends, and this month and the next three, before the rows come in.
DO $$
DECLARE
  m date;
BEGIN
  FOR m IN
    SELECT DISTINCT date_trunc('month', sent_at AT TIME ZONE 'UTC')::date FROM sends_unpartitioned
    UNION
    SELECT (date_trunc('month', now() AT TIME ZONE 'UTC') + n * interval '1 month')::date FROM generate_series(0, 3) n
  LOOP
    PERFORM sends_add_month(m);
  END LOOP;
END
$$;

INSERT INTO sends SELECT * FROM sends_unpartitioned;
DROP TABLE sends_unpartitioned;
ALTER TABLE sends RENAME CONSTRAINT sends_partitioned_pkey TO sends_pkey;

-- The indexes of sends as before (migrations 001, 002, 004, 005), now on every partition; lookups by send_id
-- use the primary key, whose first column it is.
CREATE INDEX sends_due ON sends (window_end) WHERE status = 'pending';
CREATE INDEX sends_by_contact ON sends (contact_id, sent_at DESC);
CREATE INDEX sends_by_message ON sends (message_id, sent_at);
CREATE INDEX sends_to_mark ON sends (window_end) WHERE status = 'pending' AND NOT due;
CREATE INDEX sends_claimable ON sends (contact_id) WHERE status = 'pending' AND due;
CREATE INDEX sends_by_contact_window ON sends (contact_id, window_end);
CREATE INDEX sends_by_time ON sends (sent_at, send_id);
CREATE INDEX sends_by_evaluation ON sends (evaluated_at, send_id) WHERE status = 'evaluated';

CREATE TRIGGER sends_evaluated AFTER UPDATE OF status ON sends
  FOR EACH ROW WHEN (OLD.status = 'pending' AND NEW.status = 'evaluated' AND NEW.effects IS NOT NULL)
  EXECUTE FUNCTION notify_send_evaluated();
