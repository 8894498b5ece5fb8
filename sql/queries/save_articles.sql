-- A batch's articles in one statement, one list per column (each entry once). Only a failed
-- article is written again (a retry): one that was stored, and maybe matched since, is never
-- rewritten by a run that fetched it too.
INSERT INTO articles (entry_id, url, status, http_status, title, author, published_at,
                      site_name, language, text, error, raw_sha256, site, removed)
SELECT unnest($entry_ids::BIGINT[]), unnest($urls::VARCHAR[]), unnest($statuses::VARCHAR[]),
       unnest($http_statuses::INTEGER[]), unnest($titles::VARCHAR[]),
       unnest($authors::VARCHAR[]), unnest($published_ats::TIMESTAMPTZ[]),
       unnest($site_names::VARCHAR[]), unnest($languages::VARCHAR[]),
       unnest($texts::VARCHAR[]), unnest($errors::VARCHAR[]), unnest($raw_sha256s::VARCHAR[]),
       unnest($sites::VARCHAR[]), unnest($removeds::JSON[])
ON CONFLICT (entry_id) DO UPDATE SET
    url = excluded.url, status = excluded.status, attempts = articles.attempts + 1,
    http_status = excluded.http_status, fetched_at = now(),
    title = excluded.title, author = excluded.author, published_at = excluded.published_at,
    site_name = excluded.site_name, language = excluded.language, text = excluded.text,
    error = excluded.error, raw_sha256 = excluded.raw_sha256, site = excluded.site,
    removed = excluded.removed
WHERE articles.status = 'failed';
