-- The updates an alert tells of, in the order the world saw them.
SELECT m.id AS match_id, m.score, m.new_facts, m.changed_facts,
       coalesce(a.title, e.title) AS title, coalesce(a.url, e.url) AS url,
       coalesce(a.site_name, f.name, f.url) AS outlet,
       coalesce(a.published_at, e.published_at) AS published_at
FROM alert_matches am
JOIN matches m ON m.id = am.match_id
JOIN articles a ON a.id = m.article_id
LEFT JOIN entries e ON e.id = a.entry_id
LEFT JOIN feeds f ON f.id = e.feed_id
WHERE am.alert_id = $alert_id
ORDER BY coalesce(a.published_at, e.published_at, a.fetched_at), m.id;
