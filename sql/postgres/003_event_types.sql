-- Event types: how each event name counts in the all-events effect ("*"). Names without a row are
-- engagement events with reward 1; irrelevant ones are left out of "*".
CREATE TABLE event_types (
  event_name text PRIMARY KEY,
  category   text NOT NULL CHECK (category IN ('revenue', 'engagement', 'negative', 'irrelevant')),
  reward     double precision NOT NULL CHECK (reward NOT IN ('NaN', 'Infinity', '-Infinity')),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (category <> 'negative' OR reward <= 0)
);

-- GET /v1/sends without a contact or message filter pages through all sends by (sent_at, send_id).
CREATE INDEX sends_by_time ON sends (sent_at, send_id);
