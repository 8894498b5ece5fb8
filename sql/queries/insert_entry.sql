INSERT INTO entries (feed_id, entry_key, guid, url, title, summary, published_at, poll_id)
VALUES ($feed_id, $entry_key, $guid, $url, $title, $summary, $published_at, $poll_id)
ON CONFLICT (feed_id, entry_key) DO NOTHING
RETURNING id;
