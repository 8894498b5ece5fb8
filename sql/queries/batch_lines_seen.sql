-- For each page of a batch ($ords, with its $sites and the $known_ids of the articles it
-- rewrites), on how many other articles of its site each of its short lines was seen: the
-- stored articles, and the batch's earlier pages, as if the pages were stored one by one.
-- The pages' lines come one per list position ($line_ords, $lines, $shorts). An article that
-- shares more than half of a page's lines is a copy of it (the same story under another link),
-- not evidence that the lines are the site's: not counted.
WITH batch AS (
    SELECT unnest($ords::INTEGER[]) AS ord, unnest($sites::VARCHAR[]) AS site,
           unnest($known_ids::BIGINT[]) AS known_id
),
page_lines AS (
    SELECT unnest($line_ords::INTEGER[]) AS ord, unnest($lines::VARCHAR[]) AS line,
           unnest($shorts::BOOLEAN[]) AS short
),
mine AS (
    SELECT b.ord, b.site, l.line, l.short, count(*) OVER (PARTITION BY b.ord) AS all_lines
    FROM batch b JOIN page_lines l USING (ord)
    WHERE b.site IS NOT NULL
),
-- the lines of the articles a page may learn from: an earlier page's are `before` it; the
-- stored lines of an article the batch rewrites are replaced by its page's
seen AS (
    SELECT site, line, article_id AS other, NULL::INTEGER AS before
    FROM article_lines
    WHERE site IN (SELECT site FROM batch)
      AND article_id NOT IN (SELECT known_id FROM batch WHERE known_id IS NOT NULL)
    UNION ALL
    SELECT site, line, -1 - ord AS other, ord AS before
    FROM mine
),
shared AS (
    SELECT m.ord, m.line, m.short, m.all_lines, s.other
    FROM mine m JOIN seen s ON s.site = m.site AND s.line = m.line
    WHERE s.before IS NULL OR s.before < m.ord
),
evidence AS (
    SELECT ord, other FROM shared
    GROUP BY ord, other, all_lines
    HAVING count(*) <= 0.5 * all_lines
)
SELECT s.ord, s.line, count(DISTINCT s.other) AS articles
FROM shared s JOIN evidence e USING (ord, other)
WHERE s.short
GROUP BY s.ord, s.line;
