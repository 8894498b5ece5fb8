"""Seed documents for a new story, read from files or fetched from URLs."""

from __future__ import annotations

from pathlib import Path

from .config import Settings
from .extract import extract
from .http import Fetcher, FetchError


def read_sources(settings: Settings, sources: tuple[str, ...]) -> list[tuple[str, str, str | None]]:
    """(file name, text, url) for each source; HTML is reduced to its article text."""
    documents = []
    with Fetcher(settings.http) as fetcher:
        for number, source in enumerate(sources):
            url = source if source.startswith(("http://", "https://")) else None
            if url:
                try:
                    response = fetcher.get(url)
                except FetchError as exc:
                    raise ValueError(f"{url}: {exc}") from None
                text, url = extract(response.content, url=response.url).text, response.url
            else:
                path = Path(source)
                if not path.is_file():
                    raise ValueError(f"{source}: no such file")
                raw = path.read_bytes()
                is_html = path.suffix.lower() in (".html", ".htm")
                text = extract(raw).text if is_html else raw.decode("utf-8", errors="replace")
            if not text.strip():
                raise ValueError(f"{source}: no article text found")
            documents.append((f"{number:03d}.txt", text, url))
    return documents
