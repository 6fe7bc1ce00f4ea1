-- Creates the monthly partitions of sends for this month and the next $1, and for any month whose sends wait
-- in sends_default (a backfill of a month long past): those move into it, where the retention can drop them.
-- Partitions that exist are left. Returns how many were made.
SELECT count(*) FILTER (WHERE sends_add_month(m)) AS created
FROM (SELECT ((now() AT TIME ZONE 'UTC')::date + make_interval(months => n))::date AS m FROM generate_series(0, $1::int) n
      UNION
      SELECT DISTINCT date_trunc('month', sent_at AT TIME ZONE 'UTC')::date FROM sends_default) months
