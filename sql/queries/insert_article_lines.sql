INSERT INTO article_lines (article_id, site, line)
SELECT DISTINCT $article_id, $site, unnest($lines);
