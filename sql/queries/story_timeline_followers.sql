-- Who followed each of a story's updates: the other outlets that carried it (the matcher's
-- rehashes and copies of it), in the order the world saw them.
SELECT co.update_match_id, src.title, src.url, src.outlet, src.published_at, src.seen_at
FROM matches u
JOIN corroborations co ON co.update_match_id = u.id
JOIN matches m ON m.id = co.match_id
JOIN article_sources src ON src.article_id = m.article_id
WHERE u.story_id = $story_id AND u.verdict = 'update'
ORDER BY src.seen_at, m.id;
