SELECT status, text FROM articles WHERE id = $id;
