-- The updates an alert tells of, in the order the world saw them, with the story's names each
-- one gave (how the email says why it is the story).
SELECT m.id AS match_id, m.score, m.new_facts, m.changed_facts,
       coalesce(CAST(m.reasons->'shared_names' AS VARCHAR[]), []) AS shared_names,
       src.title, src.url, src.outlet, src.published_at, src.reported_at
FROM alert_matches am
JOIN matches m ON m.id = am.match_id
JOIN article_sources src ON src.article_id = m.article_id
WHERE am.alert_id = $alert_id
ORDER BY src.reported_at, m.id;
