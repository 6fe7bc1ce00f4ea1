-- Contacts: the users table. Reach fields are columns; every other key is a property.
CREATE TABLE contacts (
  contact_id    text PRIMARY KEY,
  country       text NOT NULL,
  push_token    text,
  phone_number  text,
  email_address text,
  timezone      text,
  properties    jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contacts_properties ON contacts USING gin (properties jsonb_path_ops);

-- Message sends, and the evaluation queue: a send is due once window_end plus the grace period has passed.
CREATE TABLE sends (
  send_id      text PRIMARY KEY,
  contact_id   text NOT NULL,
  message_id   text NOT NULL,
  channel      text NOT NULL,
  sent_at      timestamptz NOT NULL,
  labels       jsonb NOT NULL DEFAULT '{}'::jsonb,
  holdout      boolean NOT NULL DEFAULT false,
  window_hours double precision NOT NULL,
  window_end   timestamptz NOT NULL,
  status       text NOT NULL DEFAULT 'pending',
  evaluated_at timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sends_due ON sends (window_end) WHERE status = 'pending';
CREATE INDEX sends_by_contact ON sends (contact_id, sent_at DESC);
CREATE INDEX sends_by_message ON sends (message_id, sent_at);
