-- Every decision, for people: which article, which story, what verdict, what was new.
SELECT s.slug AS story, m.verdict, round(m.score, 3) AS score,
       coalesce(a.title, e.title) AS title, json_array_length(m.new_facts) AS new_facts
FROM matches m
JOIN stories s ON s.id = m.story_id
JOIN articles a ON a.id = m.article_id
LEFT JOIN entries e ON e.id = a.entry_id
ORDER BY s.slug, coalesce(a.published_at, e.published_at), a.id;
