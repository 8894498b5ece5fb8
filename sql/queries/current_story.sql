-- One story as it is defined now, with its state (see current_stories).
SELECT * FROM current_stories WHERE slug = $slug;
