-- A story folder that did not load; `failed_since` stays that of the first failure.
INSERT INTO story_load_errors (slug, error) VALUES ($slug, $error)
ON CONFLICT (slug) DO UPDATE SET error = excluded.error, checked_at = now();
