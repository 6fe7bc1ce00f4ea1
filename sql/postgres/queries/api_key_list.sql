SELECT id, name, prefix, scopes, created_at, last_used_at
FROM api_keys WHERE revoked_at IS NULL
ORDER BY created_at, id
