-- Settings per message: the share of its sends that are meant to be holdouts, against which
-- GET /v1/metrics/sends checks the share it sees (sample-ratio check).
CREATE TABLE messages (
  message_id    text PRIMARY KEY,
  holdout_share double precision NOT NULL CHECK (holdout_share >= 0 AND holdout_share <= 1),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
