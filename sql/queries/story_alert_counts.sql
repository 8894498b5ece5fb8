-- A story's alerts by state: sent, pending, failed (to be retried), gave up, suppressed.
SELECT CASE WHEN status = 'failed' AND coalesce(gave_up, false) THEN 'gave up' ELSE status END
           AS state,
       count(*) AS alerts
FROM alerts WHERE story_id = $story_id
GROUP BY 1 ORDER BY alerts DESC, state;
