SELECT id FROM articles WHERE status = 'seed' AND source = $source AND text = $text LIMIT 1;
