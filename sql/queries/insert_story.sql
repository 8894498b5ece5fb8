INSERT INTO stories (slug, name, description, recipients, alert_policy, definition_hash)
VALUES ($slug, $name, $description, $recipients, $alert_policy, $definition_hash)
RETURNING id;
