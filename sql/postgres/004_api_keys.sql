-- API keys besides the one in SHIFTLENS_API_KEY. Only the SHA-256 of a key is kept: the key itself is shown once,
-- when it is created. prefix is its first characters, so that people can tell their keys apart. A revoked key
-- keeps its row (revoked_at set) for the record; authentication and listings see only keys not revoked.
CREATE TABLE api_keys (
  id           uuid PRIMARY KEY,
  name         text NOT NULL,
  key_hash     bytea NOT NULL UNIQUE CHECK (length(key_hash) = 32),
  prefix       text NOT NULL,
  scopes       text[] NOT NULL CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['ingest', 'read', 'admin']),
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);

-- The live stream resumes a client from the (evaluated_at, send_id) of the last send it received.
CREATE INDEX sends_by_evaluation ON sends (evaluated_at, send_id) WHERE status = 'evaluated';
