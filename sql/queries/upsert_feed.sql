INSERT INTO feeds (url, name) VALUES ($url, $name)
ON CONFLICT (url) DO UPDATE SET name = coalesce(excluded.name, feeds.name);
