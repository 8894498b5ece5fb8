INSERT INTO story_documents (story_id, article_id, role) VALUES ($story_id, $article_id, $role)
ON CONFLICT DO NOTHING;
