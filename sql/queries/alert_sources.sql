-- The other outlets that carried an alert's updates (rehashes and copies of them).
SELECT co.update_match_id, src.title, src.url, src.outlet, src.published_at, src.reported_at
FROM alert_matches am
JOIN corroborations co ON co.update_match_id = am.match_id
JOIN matches m ON m.id = co.match_id
JOIN article_sources src ON src.article_id = m.article_id
WHERE am.alert_id = $alert_id
ORDER BY src.reported_at, m.id;
