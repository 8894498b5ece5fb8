-- A story's updates for its timeline and feed, in the order the world saw them: what each
-- added and changed, who reported it first, and the story's names it gave.
SELECT m.id AS match_id, m.score, m.new_facts, m.changed_facts,
       coalesce(CAST(m.reasons->'shared_names' AS VARCHAR[]), []) AS shared_names,
       src.title, src.url, src.outlet, src.published_at, src.seen_at
FROM matches m
JOIN article_sources src ON src.article_id = m.article_id
WHERE m.story_id = $story_id AND m.verdict = 'update'
ORDER BY src.seen_at, m.id;
