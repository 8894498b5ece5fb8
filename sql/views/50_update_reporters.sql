-- Who reported each update first, and who followed. An update is an article that brought a
-- story news; the outlets that carried the same news after it are its corroborations (the
-- matcher called them rehash or duplicate). One row per update and outlet, ranked by when they
-- reported it: the first may be another outlet than the update storywatch saw first, when that
-- outlet's page reached us later.
CREATE OR REPLACE VIEW update_reporters AS
WITH reporters AS (
    SELECT u.id AS update_match_id, u.story_id, u.article_id AS update_article_id,
           u.article_id, u.verdict
    FROM matches u
    WHERE u.verdict = 'update'
    UNION ALL
    SELECT co.update_match_id, u.story_id, u.article_id, m.article_id, m.verdict
    FROM corroborations co
    JOIN matches u ON u.id = co.update_match_id
    JOIN matches m ON m.id = co.match_id
    WHERE m.article_id <> u.article_id
),
ranked AS (
    SELECT r.*, src.outlet, src.title, src.url, src.reported_at, src.seen_at,
           row_number() OVER (PARTITION BY r.update_match_id
                              ORDER BY src.reported_at, src.seen_at, r.article_id) AS reporter_rank
    FROM reporters r
    JOIN article_sources src ON src.article_id = r.article_id
)
SELECT s.slug AS story,
       r.update_match_id,
       r.update_article_id,
       (SELECT list(am.alert_id ORDER BY am.alert_id) FROM alert_matches am
        WHERE am.match_id = r.update_match_id) AS alert_ids,
       r.reporter_rank,
       CASE WHEN r.reporter_rank = 1 THEN 'first' ELSE 'followed' END AS role,
       r.article_id,
       r.verdict,
       r.outlet,
       r.title,
       r.url,
       r.reported_at,
       r.seen_at,
       r.reported_at - first_value(r.reported_at) OVER (
           PARTITION BY r.update_match_id ORDER BY r.reporter_rank) AS after_first
FROM ranked r
JOIN stories s ON s.id = r.story_id
ORDER BY s.slug, r.update_match_id, r.reporter_rank;

COMMENT ON VIEW update_reporters IS 'Who reported each update first, and who followed: one row per update and outlet that carried its news, ranked by when they reported it.';
COMMENT ON COLUMN update_reporters.story IS 'The story''s slug.';
COMMENT ON COLUMN update_reporters.update_match_id IS 'The update (matches.id of the article storywatch judged an update).';
COMMENT ON COLUMN update_reporters.update_article_id IS 'The article storywatch judged the update (articles.id).';
COMMENT ON COLUMN update_reporters.alert_ids IS 'The alerts that told of the update (alerts.id; [] or NULL when none was queued).';
COMMENT ON COLUMN update_reporters.reporter_rank IS '1 for the outlet that reported it first, 2 for the next...';
COMMENT ON COLUMN update_reporters.role IS 'first (reporter_rank 1) or followed.';
COMMENT ON COLUMN update_reporters.article_id IS 'The article of this outlet (articles.id).';
COMMENT ON COLUMN update_reporters.verdict IS 'update (the article storywatch judged the update), rehash or duplicate (an outlet that carried the same news).';
COMMENT ON COLUMN update_reporters.outlet IS 'Who published it.';
COMMENT ON COLUMN update_reporters.title IS 'Its headline.';
COMMENT ON COLUMN update_reporters.url IS 'Its link.';
COMMENT ON COLUMN update_reporters.reported_at IS 'When the outlet reported it (its publication time, else when storywatch saw it).';
COMMENT ON COLUMN update_reporters.seen_at IS 'When storywatch saw it.';
COMMENT ON COLUMN update_reporters.after_first IS 'How long after the first report it came (an INTERVAL; 0 for the first).';
