-- What each site repeats across its articles, with on how many: removed from the next ones.
CREATE OR REPLACE VIEW site_boilerplate AS
SELECT site, line, count(DISTINCT article_id) AS articles
FROM article_lines
WHERE length(line) <= 200  -- boilerplate.MAX_FURNITURE_CHARS: longer lines are prose
GROUP BY site, line
HAVING count(DISTINCT article_id) > 1
ORDER BY site, articles DESC, line;

COMMENT ON VIEW site_boilerplate IS 'What each site repeats across its articles, with on how many: removed from its next articles once on [extraction] learn_min_articles.';
COMMENT ON COLUMN site_boilerplate.site IS 'The site: a host without www.';
COMMENT ON COLUMN site_boilerplate.line IS 'The line, normalised (whitespace and case folded).';
COMMENT ON COLUMN site_boilerplate.articles IS 'On how many of the site''s articles it appears (a count, at least 2).';
