-- How the matcher judged a story's articles: each verdict with its count, and how many of
-- them its rules turned away (the matcher had found the story; a rule said no).
SELECT verdict, count(*) AS articles,
       count(*) FILTER (WHERE (reasons->'excluded_by') IS NOT NULL) AS turned_away
FROM matches WHERE story_id = $story_id
GROUP BY verdict ORDER BY articles DESC, verdict;
