-- A batch's article lines in one statement: one (article, site, line) per list position.
INSERT INTO article_lines (article_id, site, line)
SELECT DISTINCT unnest($article_ids::BIGINT[]), unnest($sites::VARCHAR[]),
       unnest($lines::VARCHAR[]);
