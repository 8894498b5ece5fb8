-- Whether the staging file $sha256 was loaded already (a row), or not (none).
SELECT sha256, loaded_at FROM staged_loads WHERE sha256 = $sha256;
