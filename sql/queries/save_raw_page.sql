INSERT INTO raw_pages (sha256, bytes) VALUES ($sha256, $bytes)
ON CONFLICT (sha256) DO NOTHING;
