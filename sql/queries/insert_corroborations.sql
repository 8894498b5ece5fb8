-- Other outlets carrying known updates: (update's match, the copy's or rehash's match) pairs.
INSERT INTO corroborations (update_match_id, match_id)
SELECT unnest($update_match_ids::BIGINT[]), unnest($match_ids::BIGINT[])
ON CONFLICT DO NOTHING;
