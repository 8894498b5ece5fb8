SELECT html_gz FROM raw_pages WHERE sha256 = $sha256;
