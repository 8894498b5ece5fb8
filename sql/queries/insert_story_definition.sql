-- An edit is an insert: the latest definition is the current one (see current_stories).
INSERT INTO story_definitions (story_id, name, description, recipients, alert_policy, language,
                               matching, must_mention, must_not_mention, languages, delivery,
                               cooldown_seconds, seed_article_ids, definition_hash)
VALUES ($story_id, $name, $description, $recipients, $alert_policy, $language, $matching,
        $must_mention, $must_not_mention::VARCHAR[], $languages::VARCHAR[], $delivery,
        $cooldown_seconds, $seed_article_ids::BIGINT[], $definition_hash);
