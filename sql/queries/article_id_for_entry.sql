SELECT id FROM articles WHERE entry_id = $entry_id;
