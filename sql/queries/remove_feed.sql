UPDATE feeds SET active = false WHERE url = $url AND active RETURNING id;
