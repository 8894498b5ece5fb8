-- storywatch's tables and views, with their comments (the schema section of the README).
SELECT 'table' AS kind, table_name AS name, comment
FROM duckdb_tables()
WHERE NOT internal AND NOT temporary AND database_name = current_database()
UNION ALL
SELECT 'view', view_name, comment
FROM duckdb_views()
WHERE NOT internal AND NOT temporary AND database_name = current_database()
ORDER BY kind DESC, name;
