UPDATE stories SET name = $name, description = $description, recipients = $recipients,
                   alert_policy = $alert_policy, definition_hash = $definition_hash
WHERE id = $story_id;
