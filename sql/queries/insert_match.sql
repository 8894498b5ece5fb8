INSERT INTO matches (article_id, story_id, verdict, score, duplicate_of, new_facts, changed_facts,
                     reasons, matcher_version)
VALUES ($article_id, $story_id, $verdict, $score, $duplicate_of, $new_facts, $changed_facts,
        $reasons, $matcher_version)
RETURNING id;
