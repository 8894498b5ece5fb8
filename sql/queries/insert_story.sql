-- The story's identity; its definition goes to story_definitions (insert_story_definition).
-- The other columns are required by the first schema: they keep the story as first loaded.
INSERT INTO stories (slug, name, description, recipients, alert_policy, definition_hash)
VALUES ($slug, $name, $description, $recipients, $alert_policy, $definition_hash)
RETURNING id;
