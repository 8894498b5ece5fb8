DELETE FROM article_lines WHERE article_id = $article_id;
