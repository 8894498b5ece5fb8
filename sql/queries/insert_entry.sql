-- Known by its key or by its canonical link: either way it is not new.
INSERT INTO entries (feed_id, entry_key, guid, url, canonical_url, title, summary, published_at,
                     poll_id, baseline)
VALUES ($feed_id, $entry_key, $guid, $url, $canonical_url, $title, $summary, $published_at,
        $poll_id, $baseline)
ON CONFLICT DO NOTHING
RETURNING id;
