-- Alerts to send now, with what the email needs.
SELECT al.id, al.recipient, al.message_id, al.attempts,
       s.slug AS story_slug, s.name AS story_name, s.description AS story_description,
       m.score, m.new_facts,
       coalesce(a.title, e.title) AS title, coalesce(a.url, e.url) AS url,
       coalesce(a.site_name, f.name, f.url) AS outlet,
       coalesce(a.published_at, e.published_at) AS published_at
FROM alerts al
JOIN stories s ON s.id = al.story_id
JOIN matches m ON m.id = al.match_id
JOIN articles a ON a.id = m.article_id
LEFT JOIN entries e ON e.id = a.entry_id
LEFT JOIN feeds f ON f.id = e.feed_id
WHERE al.status IN ('pending', 'failed')
  AND al.attempts < $max_attempts
  AND al.next_attempt_at <= current_timestamp
ORDER BY al.id;
