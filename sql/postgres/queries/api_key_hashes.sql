-- The hashes of the keys not revoked: each server's index of known keys, so that a key not in it is refused
-- without a lookup.
SELECT key_hash FROM api_keys WHERE revoked_at IS NULL
