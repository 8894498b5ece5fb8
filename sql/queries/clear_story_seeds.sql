DELETE FROM story_documents WHERE story_id = $story_id AND role = 'seed';
