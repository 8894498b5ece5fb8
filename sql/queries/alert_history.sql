-- What a recipient (or, with $channel_id, a channel) was told, or is about to be told, of a
-- story: the facts of its alerts (one row per update) and when the last immediate alert was
-- queued or sent.
SELECT m.new_facts, m.changed_facts,
       max(coalesce(al.sent_at, al.created_at)) FILTER (WHERE al.delivery = 'immediate')
           OVER () AS last_alert_at
FROM alerts al
JOIN alert_matches am ON am.alert_id = al.id
JOIN matches m ON m.id = am.match_id
WHERE al.story_id = $story_id AND al.status <> 'suppressed'
  AND CASE WHEN $channel_id IS NULL
           THEN al.channel_id IS NULL AND lower(al.recipient) = lower($recipient)
           ELSE al.channel_id = $channel_id END;
