-- Alerts to notification channels (apprise URLs: ntfy, Slack, Matrix, webhooks...) are rows of
-- the same outbox as emails, one per story, update (or digest window) and channel, with the
-- same retries and the same record of what failed. A channel URL holds its secret (a token, a
-- webhook path, a topic), so it is never stored: a row names its channel by a hash of the URL,
-- and `recipient` holds the URL masked (the scheme and host, the rest cut), for people.
ALTER TABLE alerts ADD COLUMN channel_id VARCHAR;

COMMENT ON COLUMN alerts.channel_id IS
    'NULL: an email to `recipient`. Otherwise the notification channel the alert is posted to: '
    'the first 16 hex digits of the SHA-256 of its apprise URL (the URL itself is a secret and is '
    'never stored; `recipient` then holds it masked, such as ntfy://ntfy.sh/m…c). A channel whose '
    'URL changes is a new channel.';
COMMENT ON COLUMN alerts.recipient IS
    'Who the alert goes to: an email address, or, when `channel_id` is set, the channel''s URL '
    'masked (never the URL itself).';
