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

-- Every server's live stream hears of every send evaluated with a verdict, whichever server evaluated it: the
-- change of status notifies the channel shifts_evaluated with the send_id (NOTIFY is delivered at commit, so
-- listeners read the send as stored). A send_id too long for a notification's payload is left out.
CREATE FUNCTION notify_send_evaluated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF octet_length(NEW.send_id) < 7000
     AND (CASE WHEN json_typeof(NEW.effects) = 'array'
               THEN EXISTS (SELECT 1 FROM json_array_elements(NEW.effects) e WHERE e->>'verdict' <> 'none')
               ELSE false END) THEN
    PERFORM pg_notify('shifts_evaluated', NEW.send_id);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER sends_evaluated AFTER UPDATE OF status ON sends
  FOR EACH ROW WHEN (OLD.status = 'pending' AND NEW.status = 'evaluated' AND NEW.effects IS NOT NULL)
  EXECUTE FUNCTION notify_send_evaluated();
