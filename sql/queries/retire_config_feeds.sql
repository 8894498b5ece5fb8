-- Feeds that came from the config and are no longer in it stop being polled; history stays.
UPDATE feeds SET active = false
WHERE source = 'config' AND active AND NOT list_contains($urls, url);
