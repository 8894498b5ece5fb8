-- A story is edited all the time, but DuckDB runs an UPDATE of a list column (recipients) or of
-- an indexed one as a delete and an insert, which the foreign keys from matches, alerts and
-- story_documents refuse. So `stories` is the story's identity (id, slug) and never changes, and
-- each edit appends a definition: the current one is the latest (the view current_stories).
-- The definition columns of `stories` cannot be dropped (DuckDB will not alter a table that
-- others reference): they keep the story as first loaded.
CREATE SEQUENCE story_definitions_id_seq;
CREATE TABLE story_definitions (
    id               BIGINT PRIMARY KEY DEFAULT nextval('story_definitions_id_seq'),
    story_id         BIGINT NOT NULL REFERENCES stories (id),
    name             VARCHAR NOT NULL,
    description      VARCHAR,
    recipients       VARCHAR[] NOT NULL,
    alert_policy     VARCHAR NOT NULL,
    language         VARCHAR,          -- NULL, and the three below: not recorded before 0008
    matching         JSON,             -- the thresholds the story sets for itself
    delivery         VARCHAR,
    cooldown_seconds DOUBLE,
    seed_article_ids BIGINT[],          -- its seed documents (articles), in story.toml's order
    definition_hash  VARCHAR NOT NULL,  -- of story.toml and the seed files, to notice edits
    defined_at       TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
INSERT INTO story_definitions (story_id, name, description, recipients, alert_policy,
                               seed_article_ids, definition_hash)
SELECT s.id, s.name, s.description, s.recipients, s.alert_policy,
       (SELECT list(sd.article_id ORDER BY sd.added_at, sd.article_id) FROM story_documents sd
        WHERE sd.story_id = s.id AND sd.role = 'seed'),
       s.definition_hash
FROM stories s;

-- Story folders that could not be loaded (story.toml does not parse, a document is missing or
-- not UTF-8, no documents): by folder name, as a story that never loaded has no id. Such a
-- story is not matched until fixed; its row goes when it loads again or its folder goes.
CREATE TABLE story_load_errors (
    slug         VARCHAR PRIMARY KEY,
    error        VARCHAR NOT NULL,
    failed_since TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    checked_at   TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
