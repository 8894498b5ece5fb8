SELECT entry_id, id FROM articles WHERE entry_id IN (SELECT unnest($entry_ids::BIGINT[]));
