-- `storywatch feed add`: a new feed, or an old one back in service.
INSERT INTO feeds (url, name, source) VALUES ($url, $name, 'cli')
ON CONFLICT (url) DO UPDATE SET
    active = true, disabled_at = NULL, name = coalesce(excluded.name, feeds.name);
