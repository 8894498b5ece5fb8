"""Each story's timeline page and Atom feed written into the site folder (`[site] dir`), a
folder per story: `<dir>/<story>/index.html` and `<dir>/<story>/updates.xml`.

A file is replaced atomically (written beside it, then renamed over it), so a web server or a
feed reader never reads half of one, and only when its content changed, so a run with no news
touches nothing. A story whose files cannot be written is reported and the others go on.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .config import SiteConfig
from .site_urls import FEED_FILE, PAGE_FILE
from .timeline import Timeline
from .timeline_feed import render_feed
from .timeline_page import render_page


@dataclass
class Published:
    written: list[str] = field(default_factory=list)  # stories whose page or feed changed
    failed: dict[str, str] = field(default_factory=dict)  # story -> why its files were not


def story_folder(site: SiteConfig, slug: str) -> Path:
    return site.dir / slug


def publish(site: SiteConfig, timelines: list[Timeline]) -> Published:
    """Write every story's page and feed that changed."""
    done = Published()
    for timeline in timelines:
        folder = story_folder(site, timeline.slug)
        files = {
            PAGE_FILE: render_page(timeline).encode("utf-8"),
            FEED_FILE: render_feed(timeline, site.base_url),
        }
        try:
            if folder.resolve().parent != site.dir.resolve():
                raise OSError(f"{timeline.slug!r} is not a folder name")
            changed = [replace_file(folder / name, data) for name, data in files.items()]
        except OSError as exc:
            done.failed[timeline.slug] = f"{folder}: {exc.strerror or exc}"
            continue
        if any(changed):
            done.written.append(timeline.slug)
    return done


def replace_file(path: Path, data: bytes) -> bool:
    """Put `data` in `path` unless it holds them already; whether it wrote."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide the page from a web server
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True
