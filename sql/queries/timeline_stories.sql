-- Every story that gets a timeline and a feed: those defined now, broken folders included (their
-- history stays readable).
SELECT id, slug, name, description, defined_at, created_at FROM current_stories ORDER BY slug;
