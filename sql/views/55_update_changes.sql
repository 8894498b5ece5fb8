-- What each update added and changed: one row per fact, the sentences the story did not have
-- (kind new) and the values it had otherwise (kind changed: was -> now, with the story's
-- sentence that said the old value), in the order the matcher found them.
CREATE OR REPLACE VIEW update_changes AS
WITH updates AS (
    SELECT m.id AS update_match_id, m.story_id, m.article_id,
           from_json(coalesce(m.new_facts, '[]'), '["VARCHAR"]') AS new_facts,
           from_json(coalesce(m.changed_facts, '[]'),
                     '[{"was": "VARCHAR", "now": "VARCHAR", "sentence": "VARCHAR",
                        "known": "VARCHAR"}]') AS changed_facts
    FROM matches m
    WHERE m.verdict = 'update'
),
added AS (
    SELECT update_match_id, story_id, article_id, generate_subscripts(new_facts, 1) AS position,
           unnest(new_facts) AS sentence
    FROM updates
),
changed AS (
    SELECT update_match_id, story_id, article_id,
           generate_subscripts(changed_facts, 1) AS position, unnest(changed_facts) AS fact
    FROM updates
),
facts AS (
    SELECT update_match_id, story_id, article_id, 'new' AS kind, position, sentence,
           NULL::VARCHAR AS was, NULL::VARCHAR AS now_value, NULL::VARCHAR AS known
    FROM added
    UNION ALL
    SELECT update_match_id, story_id, article_id, 'changed', position, fact.sentence,
           fact.was, fact.now, fact.known
    FROM changed
)
SELECT s.slug AS story,
       f.update_match_id,
       f.article_id,
       src.outlet,
       src.title,
       src.url,
       src.reported_at,
       f.kind,
       f.position,
       f.sentence,
       f.was,
       f.now_value AS "now",
       f.known
FROM facts f
JOIN stories s ON s.id = f.story_id
JOIN article_sources src ON src.article_id = f.article_id
ORDER BY s.slug, src.reported_at, f.update_match_id, f.kind DESC, f.position;

COMMENT ON VIEW update_changes IS 'What each update added and changed: one row per new sentence (kind new) and per changed value (kind changed: was -> now).';
COMMENT ON COLUMN update_changes.story IS 'The story''s slug.';
COMMENT ON COLUMN update_changes.update_match_id IS 'The update (matches.id).';
COMMENT ON COLUMN update_changes.article_id IS 'The update''s article (articles.id).';
COMMENT ON COLUMN update_changes.outlet IS 'Who published the update.';
COMMENT ON COLUMN update_changes.title IS 'Its headline.';
COMMENT ON COLUMN update_changes.url IS 'Its link.';
COMMENT ON COLUMN update_changes.reported_at IS 'When the outlet reported it (its publication time, else when storywatch saw it).';
COMMENT ON COLUMN update_changes.kind IS 'new (a sentence the story did not have) or changed (a fact the story had with another value).';
COMMENT ON COLUMN update_changes.position IS 'The fact''s place among the update''s facts of its kind, from 1.';
COMMENT ON COLUMN update_changes.sentence IS 'The update''s sentence that says it.';
COMMENT ON COLUMN update_changes.was IS 'For a changed fact: the value the story had (after 2024); NULL for a new one.';
COMMENT ON COLUMN update_changes.now IS 'For a changed fact: the value the update gives (until 2028); NULL for a new one.';
COMMENT ON COLUMN update_changes.known IS 'For a changed fact: the story''s sentence that said the old value; NULL when not recorded or for a new one.';
