-- The columns of storywatch's tables and views, in their order, with their comments.
SELECT table_name AS relation, column_name AS name, data_type, comment
FROM duckdb_columns()
WHERE NOT internal AND database_name = current_database()
ORDER BY table_name, column_index;
