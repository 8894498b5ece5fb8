-- Facts the story had with another value: [{was, now, sentence}] ("after 2024" -> "until 2028").
ALTER TABLE matches ADD COLUMN changed_facts JSON;
