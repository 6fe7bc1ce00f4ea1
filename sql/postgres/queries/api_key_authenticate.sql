-- The scopes of a key not revoked, found by its hash; its use is recorded at the same time (once per cache
-- period and server, not once per request).
UPDATE api_keys SET last_used_at = now()
WHERE key_hash = $1 AND revoked_at IS NULL
RETURNING scopes
