SELECT id, slug, name, description, recipients, alert_policy FROM stories ORDER BY slug;
