-- The outbox for people: newest first, optionally one status or one story.
SELECT al.id, s.slug AS story, al.recipient, al.channel_id, al.status, coalesce(al.delivery, 'immediate')
           AS delivery, al.attempts, al.created_at, al.sent_at, al.next_attempt_at,
       al.last_error, al.suppressed_reason, al.message_id, coalesce(al.gave_up, false) AS gave_up,
       (SELECT count(*) FROM alert_matches am WHERE am.alert_id = al.id) AS updates,
       (SELECT coalesce(a.title, e.title) FROM alert_matches am
        JOIN matches m ON m.id = am.match_id JOIN articles a ON a.id = m.article_id
        LEFT JOIN entries e ON e.id = a.entry_id
        WHERE am.alert_id = al.id ORDER BY m.id LIMIT 1) AS title
FROM alerts al JOIN stories s ON s.id = al.story_id
WHERE ($status IS NULL OR al.status = $status) AND ($story IS NULL OR s.slug = $story)
ORDER BY al.id DESC
LIMIT coalesce($limit, 1000000);
