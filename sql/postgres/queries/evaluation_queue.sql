-- The evaluation queue as the metrics show it: the pending sends whose window and grace period ($1 minutes)
-- have passed, and how many seconds ago the oldest of them fell due (0 when none has). Reads the sends_due
-- index (pending sends by window_end), so sends whose windows are still open cost nothing.
SELECT count(*) AS due,
       COALESCE(EXTRACT(EPOCH FROM now() - (min(window_end) + make_interval(mins => $1))), 0)::float8 AS lag_seconds
FROM sends
WHERE status = 'pending' AND window_end <= now() - make_interval(mins => $1)
