-- Identity links from Segment/RudderStack traffic: an anonymous id (the SDK's anonymousId, an alias's
-- previousId) and the user id it belongs to. Later messages that carry only the anonymous id are
-- attributed to user_id; the latest link of an anonymous id wins.
CREATE TABLE identity_links (
  anonymous_id text PRIMARY KEY,
  user_id      text NOT NULL,
  linked_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX identity_links_by_user ON identity_links (user_id);
