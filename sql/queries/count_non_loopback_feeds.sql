-- Feeds that are not on this machine: a database with any is not the demo's to reset.
SELECT count(*) FROM feeds WHERE url NOT LIKE 'http://127.0.0.1:%';
