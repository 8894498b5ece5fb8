INSERT INTO corroborations (update_match_id, match_id) VALUES ($update_match_id, $match_id)
ON CONFLICT DO NOTHING;
