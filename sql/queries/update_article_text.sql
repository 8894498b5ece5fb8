-- No RETURNING: DuckDB refuses it on rows that matches reference.
UPDATE articles SET status = $status, title = coalesce($title, title), author = $author,
                    site_name = $site_name, language = $language, text = $text,
                    error = $error, removed = $removed
WHERE id = $id;
