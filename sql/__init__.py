"""The SQL, shipped inside the package as `pipeline.sql` (see pyproject.toml); read by store.py."""
