-- A reader's correction, with the verdict it corrects.
INSERT INTO feedback (story_id, article_id, correction, alert_id, verdict, given_by, given_at)
VALUES ($story_id, $article_id, $correction, $alert_id, $verdict, $given_by, $given_at)
RETURNING id;
