-- A batch's raw pages in one statement; the same page twice is one row.
INSERT INTO raw_pages (sha256, bytes)
SELECT DISTINCT unnest($sha256s::VARCHAR[]) AS sha256, unnest($bytes::BIGINT[]) AS bytes
ON CONFLICT (sha256) DO NOTHING;
