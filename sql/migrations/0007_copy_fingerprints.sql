-- What a story has seen is recognised by its fingerprint (MinHash signature and the hashes of
-- its 5-word runs), kept here so that loading a story's memory reads bytes instead of
-- re-reading every text. `scheme` names how they were made; another scheme's are made again.
CREATE TABLE article_fingerprints (
    article_id BIGINT PRIMARY KEY,
    scheme     VARCHAR NOT NULL,
    minhash    BLOB NOT NULL,
    runs       BLOB NOT NULL
);
