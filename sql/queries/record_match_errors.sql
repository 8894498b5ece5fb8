-- A run's articles that could not be judged, one list per column; a second failure of the
-- same article replaces the first.
INSERT INTO match_errors (story_id, article_id, error, matcher_version, text_md5)
SELECT unnest($story_ids::BIGINT[]), unnest($article_ids::BIGINT[]), unnest($errors::VARCHAR[]),
       $matcher_version, unnest($text_md5s::VARCHAR[])
ON CONFLICT (story_id, article_id) DO UPDATE SET
    error = excluded.error, matcher_version = excluded.matcher_version,
    text_md5 = excluded.text_md5, failed_at = now();
