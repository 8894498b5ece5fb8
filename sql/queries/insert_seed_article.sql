INSERT INTO articles (source, url, status, title, text)
VALUES ($source, $url, 'seed', $title, $text)
RETURNING id;
