-- A story's life after it is added: its reader's rules are part of each definition; it can be
-- muted for a while (its updates recorded, nobody emailed) and retired (`storywatch story
-- remove`: never matched or alerted again, its history kept).
ALTER TABLE story_definitions ADD COLUMN must_mention JSON;
ALTER TABLE story_definitions ADD COLUMN must_not_mention VARCHAR[];
ALTER TABLE story_definitions ADD COLUMN languages VARCHAR[];
COMMENT ON COLUMN story_definitions.must_mention IS
    'story.toml [rules] must_mention: a JSON list of entries, each a list of words or phrases, '
    'one of which an article must mention (case aside, as whole words); NULL: defined before '
    'rules existed, no rule';
COMMENT ON COLUMN story_definitions.must_not_mention IS
    'story.toml [rules] must_not_mention: words or phrases an article must not mention; NULL '
    'or empty: no rule';
COMMENT ON COLUMN story_definitions.languages IS
    'story.toml [rules] languages: the language tags an article must be in (a tag takes its '
    'variants: en takes en-GB); NULL or empty: any language';

CREATE TABLE story_retirements (
    story_id   BIGINT PRIMARY KEY REFERENCES stories (id),
    retired_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    kept_in    VARCHAR NOT NULL
);
COMMENT ON TABLE story_retirements IS
    'Stories retired by `storywatch story remove`: not matched and not alerted from then on; '
    'their matches and alerts stay. One row per retired story';
COMMENT ON COLUMN story_retirements.story_id IS 'the retired story (stories.id)';
COMMENT ON COLUMN story_retirements.retired_at IS 'when it was retired';
COMMENT ON COLUMN story_retirements.kept_in IS
    'where its folder was moved, relative to the stories folder (.retired/<slug>)';

CREATE SEQUENCE story_mutes_id_seq;
CREATE TABLE story_mutes (
    id          BIGINT PRIMARY KEY DEFAULT nextval('story_mutes_id_seq'),
    story_id    BIGINT NOT NULL REFERENCES stories (id),
    muted_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    muted_until TIMESTAMPTZ,
    unmuted_at  TIMESTAMPTZ
);
COMMENT ON TABLE story_mutes IS
    'Each time a story was muted (`storywatch story mute`): while muted, its updates are '
    'matched and recorded, and their alerts held back (suppressed_reason muted); the latest '
    'mute that has not ended is the one in force';
COMMENT ON COLUMN story_mutes.id IS 'the mute, in the order mutes were made';
COMMENT ON COLUMN story_mutes.story_id IS 'the muted story (stories.id)';
COMMENT ON COLUMN story_mutes.muted_at IS 'when it was muted';
COMMENT ON COLUMN story_mutes.muted_until IS
    'when the mute runs out by itself (`--for`); NULL: until `storywatch story unmute`';
COMMENT ON COLUMN story_mutes.unmuted_at IS
    'when `storywatch story unmute` ended it; NULL: not ended by hand';
