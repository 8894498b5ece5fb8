SELECT id, slug, name, description, recipients, alert_policy, load_error
FROM current_stories ORDER BY slug;
