-- On how many other articles of the site each of these lines was seen.
SELECT line, count(DISTINCT article_id) AS articles
FROM article_lines
WHERE site = $site AND list_contains($lines, line) AND article_id <> coalesce($article_id, -1)
GROUP BY line;
