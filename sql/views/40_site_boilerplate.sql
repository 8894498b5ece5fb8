-- What each site repeats across its articles, with on how many: removed from the next ones.
CREATE OR REPLACE VIEW site_boilerplate AS
SELECT site, line, count(DISTINCT article_id) AS articles
FROM article_lines
WHERE length(line) <= 200  -- boilerplate.MAX_FURNITURE_CHARS: longer lines are prose
GROUP BY site, line
HAVING count(DISTINCT article_id) > 1
ORDER BY site, articles DESC, line;
