-- On how many other articles of the site each of the short lines $lines was seen. An article
-- that shares more than half of all this article's lines ($all_lines) is a copy of it (the
-- same story under another link), not evidence that the lines are the site's: not counted.
WITH others AS (
    SELECT article_id
    FROM article_lines
    WHERE site = $site AND list_contains($all_lines, line)
      AND article_id <> coalesce($article_id, -1)
    GROUP BY article_id
    HAVING count(*) <= 0.5 * len($all_lines)
)
SELECT line, count(DISTINCT article_id) AS articles
FROM article_lines
WHERE site = $site AND list_contains($lines, line)
  AND article_id IN (SELECT article_id FROM others)
GROUP BY line;
