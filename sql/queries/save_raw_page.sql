INSERT INTO raw_pages (sha256, html_gz, bytes) VALUES ($sha256, $html_gz, $bytes)
ON CONFLICT (sha256) DO NOTHING;
