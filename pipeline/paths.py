"""Where storywatch's own files are.

The SQL and the seed stories are package data: pyproject.toml maps the top-level `sql/` and
`seeds/` into the package as `pipeline.sql` and `pipeline.seeds`, so importlib.resources finds
them alike in a wheel install and in the editable install of a checkout.
"""

import atexit
from contextlib import ExitStack
from importlib.resources import as_file, files
from pathlib import Path

SQL = files("pipeline.sql")
SEEDS = files("pipeline.seeds")

# The config's stories_dir is a folder on disk: the package's own, as pip installs it as files
# (as_file would copy a zipped package's out, for as long as the process runs).
_copies = ExitStack()
atexit.register(_copies.close)
SEEDS_DIR: Path = _copies.enter_context(as_file(SEEDS))

# The checkout the package runs from, in an editable install: the DAG folder, docker/ and the
# example storywatch.toml live there, outside the package. A wheel install has no checkout: the
# folder above the package is site-packages, without a pyproject.toml.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
IN_CHECKOUT = (PROJECT_ROOT / "pyproject.toml").is_file()
