SELECT id, slug, name, definition_hash FROM current_stories WHERE slug = $slug;
