-- The folders that loaded, or are gone, are broken no more.
DELETE FROM story_load_errors WHERE NOT list_contains($broken::VARCHAR[], slug);
