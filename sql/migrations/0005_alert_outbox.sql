-- The outbox grows from one update per alert to what an email tells of. No foreign keys on the
-- new tables: DuckDB would then refuse updates of the alert and match rows they point to.

-- The updates an alert tells of: one for an immediate alert, every update of the window for a
-- digest. Alerts written before this migration told of their own match.
CREATE TABLE alert_matches (
    alert_id BIGINT NOT NULL,
    match_id BIGINT NOT NULL,
    PRIMARY KEY (alert_id, match_id)
);
INSERT INTO alert_matches (alert_id, match_id) SELECT id, match_id FROM alerts;

-- Another outlet reporting an update the story already had (the matcher calls it a rehash or a
-- duplicate): listed in the update's email as "also reported by", never an email of its own.
CREATE TABLE corroborations (
    update_match_id BIGINT NOT NULL,
    match_id        BIGINT NOT NULL,
    PRIMARY KEY (update_match_id, match_id)
);

-- immediate | hourly | daily: a digest alert is due when its window closes.
ALTER TABLE alerts ADD COLUMN delivery VARCHAR DEFAULT 'immediate';
-- A permanent refusal (a 5xx for the recipient): kept as failed, not retried.
ALTER TABLE alerts ADD COLUMN gave_up BOOLEAN DEFAULT false;
