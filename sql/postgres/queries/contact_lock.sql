-- Serialises writers of the same contacts for the rest of the transaction, in a fixed order (no deadlocks),
-- so that merging properties with the stored row cannot lose a concurrent write.
SELECT count(pg_advisory_xact_lock(h))
FROM (SELECT DISTINCT hashtextextended(id, 0) AS h FROM unnest($1::text[]) AS id ORDER BY 1) AS locks
