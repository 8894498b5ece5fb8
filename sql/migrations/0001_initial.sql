-- The first schema. Migrations are never edited once landed: change the schema with a new file.
-- Mutable state is kept to a minimum: a feed's health and its validators (ETag, Last-Modified)
-- are read from its polls, which are an append-only log.

CREATE SEQUENCE feeds_id_seq;
CREATE TABLE feeds (
    id          BIGINT PRIMARY KEY DEFAULT nextval('feeds_id_seq'),
    url         VARCHAR NOT NULL UNIQUE,
    name        VARCHAR,
    added_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

CREATE SEQUENCE polls_id_seq;
CREATE TABLE polls (
    id            BIGINT PRIMARY KEY DEFAULT nextval('polls_id_seq'),
    feed_id       BIGINT NOT NULL REFERENCES feeds (id),
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ NOT NULL,
    outcome       VARCHAR NOT NULL CHECK (outcome IN ('ok', 'not_modified', 'error')),
    http_status   INTEGER,
    etag          VARCHAR,   -- exactly as received, sent back as If-None-Match
    last_modified VARCHAR,   -- exactly as received, sent back as If-Modified-Since
    feed_title    VARCHAR,
    entries_seen  INTEGER NOT NULL DEFAULT 0,
    entries_new   INTEGER NOT NULL DEFAULT 0,
    error         VARCHAR
);

CREATE SEQUENCE entries_id_seq;
CREATE TABLE entries (
    id            BIGINT PRIMARY KEY DEFAULT nextval('entries_id_seq'),
    feed_id       BIGINT NOT NULL REFERENCES feeds (id),
    entry_key     VARCHAR NOT NULL,   -- stable identity within the feed (GUID, URL or hash)
    guid          VARCHAR,
    url           VARCHAR,
    title         VARCHAR,
    summary       VARCHAR,
    published_at  TIMESTAMPTZ,
    first_seen_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    poll_id       BIGINT NOT NULL REFERENCES polls (id),
    UNIQUE (feed_id, entry_key)
);

-- Every text storywatch knows: fetched pages (entry_id set) and story seed documents (source set).
CREATE SEQUENCE articles_id_seq;
CREATE TABLE articles (
    id            BIGINT PRIMARY KEY DEFAULT nextval('articles_id_seq'),
    entry_id      BIGINT UNIQUE REFERENCES entries (id),
    source        VARCHAR,            -- where a seed document came from (file or URL)
    url           VARCHAR,            -- the page's final URL after redirects
    status        VARCHAR NOT NULL CHECK (status IN ('extracted', 'fallback', 'failed', 'seed')),
    attempts      INTEGER NOT NULL DEFAULT 1,
    http_status   INTEGER,
    fetched_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    title         VARCHAR,
    author        VARCHAR,
    published_at  TIMESTAMPTZ,
    site_name     VARCHAR,
    language      VARCHAR,
    text          VARCHAR,
    error         VARCHAR            -- why extraction failed, or why the feed summary was used
);

CREATE SEQUENCE stories_id_seq;
CREATE TABLE stories (
    id              BIGINT PRIMARY KEY DEFAULT nextval('stories_id_seq'),
    slug            VARCHAR NOT NULL UNIQUE,
    name            VARCHAR NOT NULL,
    description     VARCHAR,
    recipients      VARCHAR[] NOT NULL,
    alert_policy    VARCHAR NOT NULL,
    definition_hash VARCHAR NOT NULL,  -- of story.toml and the seed files, to notice edits
    created_at      TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

-- What a story knows: its seed documents, and the updates the matcher accepted later.
CREATE TABLE story_documents (
    story_id   BIGINT NOT NULL REFERENCES stories (id),
    article_id BIGINT NOT NULL REFERENCES articles (id),
    role       VARCHAR NOT NULL CHECK (role IN ('seed', 'update')),
    added_at   TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (story_id, article_id)
);

CREATE SEQUENCE matches_id_seq;
CREATE TABLE matches (
    id              BIGINT PRIMARY KEY DEFAULT nextval('matches_id_seq'),
    article_id      BIGINT NOT NULL REFERENCES articles (id),
    story_id        BIGINT NOT NULL REFERENCES stories (id),
    verdict         VARCHAR NOT NULL
                    CHECK (verdict IN ('duplicate', 'rehash', 'update', 'related', 'unrelated')),
    score           DOUBLE NOT NULL,
    duplicate_of    BIGINT REFERENCES articles (id),
    new_facts       JSON NOT NULL,     -- list of sentences the story did not have
    reasons         JSON NOT NULL,     -- the explanation: shared terms, nearest sentences, ...
    matcher_version VARCHAR NOT NULL,
    matched_at      TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    UNIQUE (article_id, story_id)
);

-- The outbox: written in the same transaction as the match that caused it.
CREATE SEQUENCE alerts_id_seq;
CREATE TABLE alerts (
    id              BIGINT PRIMARY KEY DEFAULT nextval('alerts_id_seq'),
    idempotency_key VARCHAR NOT NULL UNIQUE,
    story_id        BIGINT NOT NULL REFERENCES stories (id),
    match_id        BIGINT NOT NULL REFERENCES matches (id),
    recipient       VARCHAR NOT NULL,
    status          VARCHAR NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sent', 'failed', 'suppressed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      VARCHAR,
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    message_id      VARCHAR NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    sent_at         TIMESTAMPTZ
);
