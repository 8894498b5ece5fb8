"""The seed stories, shipped inside the package as `pipeline.seeds` (see pyproject.toml)."""
