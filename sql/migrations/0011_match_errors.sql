-- Articles the matcher could not judge against a story, with the reason (an exception in the
-- matcher, on this article's text). Recorded so that one article never stops the match stage:
-- the others are judged, and the run exits 1. Such an article is judged again only when what
-- failed may have changed: a new matcher (`matcher_version`) or a new text (`reextract`, which
-- changes `text_md5`); on the same text the same code would fail the same way, every run.
-- A row goes when the article is judged.
CREATE TABLE match_errors (
    story_id        BIGINT NOT NULL REFERENCES stories (id),
    article_id      BIGINT NOT NULL REFERENCES articles (id),
    error           VARCHAR NOT NULL,  -- the exception's type and message, one line
    matcher_version VARCHAR NOT NULL,
    text_md5        VARCHAR NOT NULL,  -- of the title and text that failed
    failed_at       TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (story_id, article_id)
);
