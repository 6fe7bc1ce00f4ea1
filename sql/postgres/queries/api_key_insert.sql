INSERT INTO api_keys (id, name, key_hash, prefix, scopes)
VALUES ($1, $2, $3, $4, $5)
RETURNING id, name, prefix, scopes, created_at, last_used_at
