-- Audience queries compare properties as numbers and as times. Properties are JSON scalars kept as
-- ingested: a number may arrive as a JSON number or as a string of digits, a time as an ISO-8601 string
-- with or without an offset (without one it is UTC). These read either, and give null for anything
-- else instead of failing the query on one odd value. audience_time catches the error of a date that does
-- not exist, which takes a subtransaction: PostgreSQL allows none in a parallel query, hence PARALLEL UNSAFE.
CREATE FUNCTION audience_number(v jsonb) RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE jsonb_typeof(v)
    WHEN 'number' THEN (v #>> '{}')::numeric
    WHEN 'string' THEN CASE WHEN (v #>> '{}') ~ '^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]{1,4})?\s*$'
                            THEN (v #>> '{}')::numeric END
  END
$$;

CREATE FUNCTION audience_time(v jsonb) RETURNS timestamptz LANGUAGE plpgsql IMMUTABLE PARALLEL UNSAFE AS $$
DECLARE
  t text;
BEGIN
  IF v IS NULL OR jsonb_typeof(v) <> 'string' THEN RETURN NULL; END IF;
  t := btrim(v #>> '{}');
  IF t !~ '^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?([Zz]|[+-]\d{2}(:?\d{2})?)?$' THEN RETURN NULL; END IF;
  IF t ~ '[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}(:?\d{2})?)$' THEN RETURN t::timestamptz; END IF;
  RETURN t::timestamp AT TIME ZONE 'UTC';
EXCEPTION WHEN others THEN
  RETURN NULL; -- a date that does not exist, such as 2026-02-30
END
$$;

-- Audience pages are in code point order of contact_id (the "C" collation), whatever the database's own.
CREATE INDEX IF NOT EXISTS contacts_id_bytes ON contacts (contact_id COLLATE "C");
