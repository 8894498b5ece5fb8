-- Every story as it is defined now (its latest definition), with its load error if its folder
-- is broken at the moment: while broken, it keeps this last good definition but is not matched.
CREATE OR REPLACE VIEW current_stories AS
SELECT s.id,
       s.slug,
       d.name,
       d.description,
       d.recipients,
       d.alert_policy,
       d.language,
       d.matching,
       d.delivery,
       d.cooldown_seconds,
       d.seed_article_ids,
       d.definition_hash,
       d.defined_at,
       s.created_at,
       e.error AS load_error,
       e.failed_since AS load_failed_since
FROM stories s
JOIN (SELECT DISTINCT ON (story_id) * FROM story_definitions ORDER BY story_id, id DESC) d
    ON d.story_id = s.id
LEFT JOIN story_load_errors e ON e.slug = s.slug;

COMMENT ON VIEW current_stories IS 'Every story as it is defined now (its latest definition), with its load error while its folder is broken.';
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
