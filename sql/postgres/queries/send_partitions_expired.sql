-- Drops the monthly partitions of sends whose every send is older than $1 months: a month goes once its
-- end is that old, so no send younger than the retention is dropped. Returns the names of those dropped.
SELECT sends_drop_months_before(now() - make_interval(months => $1::int)) AS dropped
