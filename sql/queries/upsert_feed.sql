-- A feed of the config: (re)activated with the config's settings.
INSERT INTO feeds (url, name, source, interval_seconds, alert_on_backlog)
VALUES ($url, $name, 'config', $interval_seconds, $alert_on_backlog)
ON CONFLICT (url) DO UPDATE SET
    name = coalesce(excluded.name, feeds.name), source = 'config', active = true,
    interval_seconds = excluded.interval_seconds, alert_on_backlog = excluded.alert_on_backlog;
