-- The folder names of retired stories: a folder of that name is not loaded as the story again.
SELECT s.slug FROM story_retirements r JOIN stories s ON s.id = r.story_id ORDER BY s.slug;
