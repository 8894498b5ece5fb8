-- The update an alert was made for (a digest's first), what `storywatch feedback --alert` corrects.
SELECT al.id AS alert_id, m.article_id, m.story_id, s.slug
FROM alerts al
JOIN matches m ON m.id = al.match_id
JOIN stories s ON s.id = m.story_id
WHERE al.id = $alert_id;
