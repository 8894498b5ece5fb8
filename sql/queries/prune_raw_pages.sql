DELETE FROM raw_pages WHERE stored_at < now() - to_days($keep_days) RETURNING sha256;
