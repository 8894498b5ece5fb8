DELETE FROM article_lines WHERE article_id IN (SELECT unnest($article_ids::BIGINT[]));
