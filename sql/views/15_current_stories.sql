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
