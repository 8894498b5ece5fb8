-- (DuckDB cannot add a NOT NULL column to a table that others reference: defaults instead.)
-- Feeds come from the config or from `storywatch feed add`; removing one keeps its history.
ALTER TABLE feeds ADD COLUMN source VARCHAR DEFAULT 'config';
ALTER TABLE feeds ADD COLUMN active BOOLEAN DEFAULT true;
ALTER TABLE feeds ADD COLUMN interval_seconds INTEGER;          -- NULL: the [polling] default
ALTER TABLE feeds ADD COLUMN alert_on_backlog BOOLEAN DEFAULT false;
ALTER TABLE feeds ADD COLUMN disabled_at TIMESTAMPTZ;           -- set after too many failures

-- When the feed is due again, decided by the poll from its outcome (interval, backoff,
-- the server's Retry-After).
ALTER TABLE polls ADD COLUMN next_poll_at TIMESTAMPTZ;

-- The entry's link without tracking parameters, AMP variants or scheme: one story, one row,
-- even when a feed changes an item's GUID on every poll.
ALTER TABLE entries ADD COLUMN canonical_url VARCHAR;
-- Present at the feed's first poll: stored and matched, but it alerts nobody.
ALTER TABLE entries ADD COLUMN baseline BOOLEAN DEFAULT false;
-- Not UNIQUE: DuckDB's ON CONFLICT treats NULLs in a unique index as equal, and entries
-- without a link have none. insert_entries checks the canonical URL itself.
CREATE INDEX entries_feed_canonical_url ON entries (feed_id, canonical_url);

ALTER TABLE alerts ADD COLUMN suppressed_reason VARCHAR;
