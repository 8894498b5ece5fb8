-- Raw pages, kept compressed and addressed by the SHA-256 of their bytes, so that extraction
-- can be re-run after an improvement (`storywatch reextract`); pruned after `keep_raw_days`.
CREATE TABLE raw_pages (
    sha256    VARCHAR PRIMARY KEY,
    html_gz   BLOB NOT NULL,
    bytes     INTEGER NOT NULL,
    stored_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

ALTER TABLE articles ADD COLUMN raw_sha256 VARCHAR;
ALTER TABLE articles ADD COLUMN site VARCHAR;    -- the page's host, without www.
ALTER TABLE articles ADD COLUMN removed JSON;    -- [{line, reason}] the boilerplate pass took out

-- The lines of every article, per site: a short line on several of a site's articles is the
-- site's furniture, not news. No foreign key: DuckDB would then refuse some updates of articles.
CREATE TABLE article_lines (
    article_id BIGINT NOT NULL,
    site       VARCHAR NOT NULL,
    line       VARCHAR NOT NULL,   -- normalised: whitespace folded, case folded
    PRIMARY KEY (article_id, line)
);
CREATE INDEX article_lines_site_line ON article_lines (site, line);
