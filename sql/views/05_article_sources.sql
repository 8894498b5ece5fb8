-- Where each article came from, as a reader names it: the page's own metadata first, then the
-- feed entry's, then the feed's. Two times: when the publisher says it reported the article
-- (`reported_at`, which orders articles as the world saw them) and when storywatch saw it
-- (`seen_at`: how late it came to us, what a poll interval costs).
CREATE OR REPLACE VIEW article_sources AS
SELECT a.id AS article_id,
       coalesce(a.title, e.title) AS title,
       coalesce(a.url, e.url) AS url,
       coalesce(a.site_name, f.name, f.url) AS outlet,
       coalesce(a.published_at, e.published_at) AS published_at,
       coalesce(a.published_at, e.published_at, e.first_seen_at, a.fetched_at) AS reported_at,
       coalesce(e.first_seen_at, a.fetched_at) AS seen_at
FROM articles a
LEFT JOIN entries e ON e.id = a.entry_id
LEFT JOIN feeds f ON f.id = e.feed_id;

COMMENT ON VIEW article_sources IS 'Every article as a reader names it: title, link, outlet, when it was reported and when storywatch saw it.';
COMMENT ON COLUMN article_sources.article_id IS 'The article (articles.id).';
COMMENT ON COLUMN article_sources.title IS 'Its headline: the page''s, else the feed entry''s.';
COMMENT ON COLUMN article_sources.url IS 'Its link: the page''s final URL, else the entry''s.';
COMMENT ON COLUMN article_sources.outlet IS 'Who published it: the page''s site name, else the feed''s name or URL.';
COMMENT ON COLUMN article_sources.published_at IS 'The publication time the page or the entry gives; NULL when neither does.';
COMMENT ON COLUMN article_sources.reported_at IS 'When the publisher reported it: published_at, else seen_at. Orders articles as the world saw them.';
COMMENT ON COLUMN article_sources.seen_at IS 'When storywatch saw it: the poll that found its entry (for a seed document: when it was loaded).';
