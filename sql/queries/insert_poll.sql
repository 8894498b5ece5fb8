INSERT INTO polls (feed_id, started_at, finished_at, outcome, http_status, etag, last_modified,
                   feed_title, entries_seen, entries_new, error, next_poll_at)
VALUES ($feed_id, $started_at, $finished_at, $outcome, $http_status, $etag, $last_modified,
        $feed_title, $entries_seen, $entries_new, $error, $next_poll_at)
RETURNING id;
