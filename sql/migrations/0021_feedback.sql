-- The reader's corrections (`storywatch feedback`): an article the matcher took for the story
-- that is not, one it called news that is not new, an update it missed. A story's memory takes
-- them from its next match on, in place of the matcher's own verdict on that article; the
-- matches stay as the matcher made them, and a correction sends nothing.
CREATE SEQUENCE feedback_id_seq;
CREATE TABLE feedback (
    id            BIGINT PRIMARY KEY DEFAULT nextval('feedback_id_seq'),
    story_id      BIGINT NOT NULL REFERENCES stories (id),
    article_id    BIGINT NOT NULL,
    correction    VARCHAR NOT NULL CHECK (correction IN ('not_story', 'not_new', 'update')),
    alert_id      BIGINT,
    verdict       VARCHAR,
    given_by      VARCHAR NOT NULL,
    given_at      TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
COMMENT ON TABLE feedback IS
    'The reader''s corrections of the matcher (`storywatch feedback`), one row each; the latest '
    'for a story and article is the one its memory takes, from the next match on';
COMMENT ON COLUMN feedback.id IS 'the correction, in the order they were given';
COMMENT ON COLUMN feedback.story_id IS 'the story it corrects (stories.id)';
COMMENT ON COLUMN feedback.article_id IS 'the article it is about (articles.id)';
COMMENT ON COLUMN feedback.correction IS
    'not_story: not this story (a negative example: a look-alike nearer to it than to the '
    'story is related); not_new: the story, but nothing new (its sentences become known, so '
    'later copies of that news are a rehash); update: news the matcher missed (it joins the '
    'story as an accepted update: its facts known, its lead part of the core)';
COMMENT ON COLUMN feedback.alert_id IS
    'the alert it was given on (`--alert ID`, alerts.id); NULL: given by article id';
COMMENT ON COLUMN feedback.verdict IS
    'the matcher''s verdict on the article for the story when the correction was given '
    '(duplicate, rehash, update, related, unrelated); NULL: it had not judged it';
COMMENT ON COLUMN feedback.given_by IS 'who gave it: --by, by default the user who ran the command';
COMMENT ON COLUMN feedback.given_at IS 'when it was given';
