"""Files and folders storywatch writes where the user said: a place that cannot take them is
bad usage, told in one line naming the path, never an OSError."""

from __future__ import annotations

from pathlib import Path

from .errors import UsageError


def make_folder(path: Path) -> Path:
    """Create `path` and its parents (existing is fine)."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            f"{path}: cannot be made a folder ({exc.strerror}); choose a place that can be written"
        ) from None
    return path


def write_file(path: Path, text: str, *, make_parents: bool = False) -> Path:
    """Write `text` as UTF-8 to `path`; its folder must exist unless `make_parents`."""
    try:
        if make_parents:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        # a missing folder is not made for the user: a typo in the path would go unseen
        hint = (
            "create its folder first"
            if isinstance(exc, FileNotFoundError)
            else "choose a place that can be written"
        )
        raise UsageError(f"{path}: cannot be written ({exc.strerror}); {hint}") from None
    return path
