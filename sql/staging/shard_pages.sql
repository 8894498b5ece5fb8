-- A shard's pages, written by its fetch_shard task for the load task: each entry (as in the
-- manifest), what the request gave (final_url NULL: no response), the raw page gzipped, and
-- what extraction found (extracted false: nothing, the error says why). The site's boilerplate
-- pass is not done yet: the loader does it, with the site's lines as stored at that moment.
SELECT $shard_id::VARCHAR AS shard_id,
       unnest($entry_ids::BIGINT[]) AS entry_id, unnest($urls::VARCHAR[]) AS url,
       unnest($titles::VARCHAR[]) AS title, unnest($summaries::VARCHAR[]) AS summary,
       unnest($published_ats::TIMESTAMPTZ[]) AS published_at,
       unnest($final_urls::VARCHAR[]) AS final_url,
       unnest($http_statuses::INTEGER[]) AS http_status,
       unnest($errors::VARCHAR[]) AS error,
       unnest($raw_sha256s::VARCHAR[]) AS raw_sha256,
       unnest($raw_bytes::BIGINT[]) AS raw_bytes,
       unnest($raw_gzs::BLOB[]) AS raw_gz,
       unnest($extracteds::BOOLEAN[]) AS extracted,
       unnest($texts::VARCHAR[]) AS text,
       unnest($extracted_titles::VARCHAR[]) AS extracted_title,
       unnest($authors::VARCHAR[]) AS author,
       unnest($published::TIMESTAMPTZ[]) AS published,
       unnest($site_names::VARCHAR[]) AS site_name,
       unnest($languages::VARCHAR[]) AS language,
       unnest($withhelds::VARCHAR[]) AS withheld,
       unnest($notices::VARCHAR[]) AS notice;
