UPDATE alerts SET status = 'failed', attempts = attempts + 1, last_error = $error,
                  next_attempt_at = now() + to_seconds($retry_in_seconds)
WHERE id = $id;
