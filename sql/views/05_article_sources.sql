-- Where each article came from, as a reader names it: the page's own metadata first, then the
-- feed entry's, then the feed's. `seen_at` orders articles as the world saw them.
CREATE OR REPLACE VIEW article_sources AS
SELECT a.id AS article_id,
       coalesce(a.title, e.title) AS title,
       coalesce(a.url, e.url) AS url,
       coalesce(a.site_name, f.name, f.url) AS outlet,
       coalesce(a.published_at, e.published_at) AS published_at,
       coalesce(a.published_at, e.published_at, a.fetched_at) AS seen_at
FROM articles a
LEFT JOIN entries e ON e.id = a.entry_id
LEFT JOIN feeds f ON f.id = e.feed_id;
