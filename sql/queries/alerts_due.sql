-- Alerts to send now: pending ones, and failed ones whose retry is due (unless refused for good).
SELECT id FROM alerts
WHERE status IN ('pending', 'failed')
  AND NOT coalesce(gave_up, false)
  AND next_attempt_at <= $now
ORDER BY id;
