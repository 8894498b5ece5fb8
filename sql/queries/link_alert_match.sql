INSERT INTO alert_matches (alert_id, match_id) VALUES ($alert_id, $match_id)
ON CONFLICT DO NOTHING;
