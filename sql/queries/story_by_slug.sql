SELECT id, slug, name, definition_hash, retired_at FROM current_stories WHERE slug = $slug;
