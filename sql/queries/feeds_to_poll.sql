-- The configured feeds, with the validators their last good poll received.
SELECT feed_id, url, etag, last_modified
FROM feed_health
WHERE list_contains($urls, url)
ORDER BY feed_id;
