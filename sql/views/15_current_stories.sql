-- Every story as it is defined now (its latest definition), with its load error if its folder
-- is broken at the moment: while broken, it keeps this last good definition but is not matched.
-- A retired story (`story remove`) keeps its last definition, with when it was retired and
-- where its folder was kept; a muted one (`story mute`) says since when and until when
-- (muted_until NULL with muted_at set: until unmuted). A mute that ran out shows no more.
CREATE OR REPLACE VIEW current_stories AS
SELECT s.id,
       s.slug,
       d.name,
       d.description,
       d.recipients,
       d.alert_policy,
       d.language,
       d.matching,
       d.must_mention,
       d.must_not_mention,
       d.languages,
       d.delivery,
       d.cooldown_seconds,
       d.seed_article_ids,
       d.definition_hash,
       d.defined_at,
       s.created_at,
       e.error AS load_error,
       e.failed_since AS load_failed_since,
       r.retired_at,
       r.kept_in AS retired_folder,
       mu.muted_at,
       mu.muted_until
FROM stories s
JOIN (SELECT DISTINCT ON (story_id) * FROM story_definitions ORDER BY story_id, id DESC) d
    ON d.story_id = s.id
LEFT JOIN story_load_errors e ON e.slug = s.slug
LEFT JOIN story_retirements r ON r.story_id = s.id
LEFT JOIN (
    SELECT DISTINCT ON (story_id) story_id, muted_at, muted_until
    FROM story_mutes
    WHERE unmuted_at IS NULL AND (muted_until IS NULL OR muted_until > now())
    ORDER BY story_id, id DESC
) mu ON mu.story_id = s.id;

COMMENT ON VIEW current_stories IS 'Every story as it is defined now (its latest definition), with its load error while its folder is broken, and whether it is retired or muted.';
COMMENT ON COLUMN current_stories.id IS 'The story (stories.id).';
COMMENT ON COLUMN current_stories.slug IS 'Its folder''s name.';
COMMENT ON COLUMN current_stories.name IS 'Its name, in listings and emails.';
COMMENT ON COLUMN current_stories.description IS 'One line saying what the story is.';
COMMENT ON COLUMN current_stories.recipients IS 'Who hears of its updates: email addresses.';
COMMENT ON COLUMN current_stories.alert_policy IS 'updates (an email for every update) or none.';
COMMENT ON COLUMN current_stories.language IS 'The language of its seeds (en, de...); NULL: not recorded.';
COMMENT ON COLUMN current_stories.matching IS 'JSON: the [matching] thresholds it sets for itself.';
COMMENT ON COLUMN current_stories.delivery IS 'immediate, hourly or daily; NULL: not recorded.';
COMMENT ON COLUMN current_stories.cooldown_seconds IS 'Seconds after an email in which an immediate update is held; NULL: not recorded.';
COMMENT ON COLUMN current_stories.seed_article_ids IS 'Its seed documents (articles.id), in story.toml''s order.';
COMMENT ON COLUMN current_stories.definition_hash IS 'The hash of story.toml and the seed files.';
COMMENT ON COLUMN current_stories.defined_at IS 'When this definition was loaded.';
COMMENT ON COLUMN current_stories.created_at IS 'When the story was first loaded.';
COMMENT ON COLUMN current_stories.load_error IS 'Why its folder does not load now (it is not matched meanwhile); NULL: it loads.';
COMMENT ON COLUMN current_stories.load_failed_since IS 'Since when its folder does not load; NULL: it loads.';
COMMENT ON COLUMN current_stories.must_mention IS 'JSON: story.toml [rules] must_mention, a list of entries, each a list of words or phrases one of which an article must mention; NULL: no rule.';
COMMENT ON COLUMN current_stories.must_not_mention IS 'story.toml [rules] must_not_mention: words or phrases an article must not mention; NULL or empty: no rule.';
COMMENT ON COLUMN current_stories.languages IS 'story.toml [rules] languages: the language tags an article must be in; NULL or empty: any language.';
COMMENT ON COLUMN current_stories.retired_at IS 'When `storywatch story remove` retired it (never matched or alerted since); NULL: not retired.';
COMMENT ON COLUMN current_stories.retired_folder IS 'Where its folder was kept when it was retired, relative to the stories folder; NULL: not retired.';
COMMENT ON COLUMN current_stories.muted_at IS 'Since when it is muted (`storywatch story mute`: matched, nobody alerted); NULL: not muted.';
COMMENT ON COLUMN current_stories.muted_until IS 'When the mute in force runs out; NULL with muted_at set: until `storywatch story unmute`.';
