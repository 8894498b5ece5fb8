-- No RETURNING: DuckDB 2.0 refuses UPDATE ... RETURNING on a row other tables reference.
UPDATE feeds SET active = false WHERE url = $url AND active;
