-- What waits in each stage, as `storywatch status` tells it: entries whose page is to fetch
-- (as fetch_claims.sql picks them) and those a run is fetching now; articles not yet judged
-- against a story that loads (as articles_to_match.sql picks them); alerts due now, held for
-- later (a digest's window, a cooldown), failing and to be retried, or refused for good.
WITH to_match AS (
    SELECT s.id AS story_id, a.id AS article_id
    FROM current_stories s
    JOIN articles a ON a.entry_id IS NOT NULL AND a.status IN ('extracted', 'fallback')
    WHERE s.load_error IS NULL
      AND NOT EXISTS (SELECT 1 FROM matches m WHERE m.article_id = a.id AND m.story_id = s.id)
      AND NOT EXISTS (
          SELECT 1 FROM match_errors x
          WHERE x.story_id = s.id AND x.article_id = a.id
            AND x.matcher_version = $matcher_version
            AND x.text_md5 = md5(coalesce(a.title, '') || chr(10) || coalesce(a.text, '')))
)
SELECT
    (SELECT count(*) FROM entries e LEFT JOIN articles a ON a.entry_id = e.id
     WHERE a.id IS NULL OR (a.status = 'failed' AND a.attempts < $max_attempts))
        AS entries_to_fetch,
    (SELECT count(*) FROM fetch_claims WHERE expires_at > $now) AS entries_being_fetched,
    (SELECT count(DISTINCT article_id) FROM to_match) AS articles_to_match,
    (SELECT count(DISTINCT story_id) FROM to_match) AS stories_to_match,
    (SELECT count(*) FROM alerts WHERE status IN ('pending', 'failed')
       AND NOT coalesce(gave_up, false) AND next_attempt_at <= $now) AS alerts_due,
    (SELECT count(*) FROM alerts WHERE status = 'pending' AND next_attempt_at > $now)
        AS alerts_held,
    (SELECT min(next_attempt_at) FROM alerts WHERE status = 'pending' AND next_attempt_at > $now)
        AS alerts_held_until,
    (SELECT count(*) FROM alerts WHERE status = 'failed' AND NOT coalesce(gave_up, false)
       AND next_attempt_at > $now) AS alerts_retrying,
    (SELECT count(*) FROM alerts WHERE status = 'failed' AND coalesce(gave_up, false))
        AS alerts_gave_up;
