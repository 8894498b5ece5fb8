-- A shard's manifest, written by the fetch DAG's plan: the entries it claimed, with what
-- fetching and storing their pages needs of them (the columns of the query entries_by_id).
SELECT unnest($entry_ids::BIGINT[]) AS entry_id, unnest($urls::VARCHAR[]) AS url,
       unnest($titles::VARCHAR[]) AS title, unnest($summaries::VARCHAR[]) AS summary,
       unnest($published_ats::TIMESTAMPTZ[]) AS published_at;
