-- A poll's entries in one statement ($rows: a list of structs). An entry is not new when its
-- feed already has its key, or its canonical link (a feed that changes GUIDs on every poll).
INSERT INTO entries (feed_id, entry_key, guid, url, canonical_url, title, summary, published_at,
                     poll_id, baseline)
SELECT r.feed_id, r.entry_key, r.guid, r.url, r.canonical_url, r.title, r.summary,
       r.published_at, r.poll_id, r.baseline
FROM (SELECT unnest($rows, recursive := true)) r
WHERE NOT EXISTS (
    SELECT 1 FROM entries e
    WHERE e.feed_id = r.feed_id
      AND (e.entry_key = r.entry_key OR e.canonical_url = r.canonical_url)
)
ON CONFLICT DO NOTHING
RETURNING id;
