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
