-- Every story the database knows, with what a listing says of it: broken, muted, retired.
SELECT id, slug, name, description, recipients, alert_policy, load_error, retired_at,
       retired_folder, muted_at, muted_until
FROM current_stories ORDER BY slug;
