UPDATE alerts SET status = 'failed', attempts = attempts + 1, last_error = $error,
                  next_attempt_at = $next_attempt_at, gave_up = $gave_up
WHERE id = $id;
