-- The embeddings of a story's known sentences by one model, by the md5 of each sentence.
SELECT sentence_md5, vector FROM sentence_embeddings WHERE story_id = $story_id AND model = $model;
