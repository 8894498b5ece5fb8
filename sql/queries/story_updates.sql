-- A story's updates, with the articles that carry them: their own and the other outlets'.
SELECT m.id AS match_id, m.new_facts, m.changed_facts,
       list_distinct(list_append(list(c.article_id) FILTER (WHERE c.article_id IS NOT NULL),
                                 m.article_id)) AS article_ids
FROM matches m
LEFT JOIN corroborations co ON co.update_match_id = m.id
LEFT JOIN matches c ON c.id = co.match_id
WHERE m.story_id = $story_id AND m.verdict = 'update'
GROUP BY m.id, m.article_id, m.new_facts, m.changed_facts
ORDER BY m.id;
