SELECT id, slug, name, definition_hash FROM stories WHERE slug = $slug;
