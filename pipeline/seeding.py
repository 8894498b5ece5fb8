"""Pages given on the command line (files or URLs) -> article text, as the pipeline would store
it: for `storywatch extract` and the seed documents of `storywatch story add`."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from .config import Settings
from .errors import SourceError, StorywatchError
from .extract import article
from .http import Fetcher, FetchError
from .matching.features import with_title
from .sandbox import ExtractionFailed, ExtractionPool
from .site_lines import site_furniture, site_of
from .store import StoreError, open_store
from .stories import NewSeed, StoryError, read_bytes, read_text, seed_file_name

HTML_SUFFIXES = (".html", ".htm", ".xhtml")


def extract_sources(
    settings: Settings, sources: tuple[str, ...], page_url: str | None = None
) -> list[tuple[str, dict]]:
    """(source, result) per page: text, metadata, and each removed line with its reason; the
    text is None, with the stub and the error saying why, when the page gives no article.

    A source that cannot be read (a 404, a missing file, a page extraction gives up on) does
    not stop the others: its result is `unreadable`, with the one line that says why as its
    error. The checks are the fetch stage's, and the lines a site was seen to repeat are taken
    from the database when there is one.
    """
    results = []
    with Fetcher(settings.http) as fetcher, ExtractionPool(settings.extraction) as pool:
        for source in sources:
            try:
                result = _extract(settings, fetcher, pool, source, page_url)
            except StorywatchError as exc:
                result = {"unreadable": True, "url": None, "stub": None, "text": None}
                result["error"] = str(exc)
            results.append((source, result))
    return results


def _extract(
    settings: Settings,
    fetcher: Fetcher,
    pool: ExtractionPool,
    source: str,
    page_url: str | None,
) -> dict:
    html, url = _read(fetcher, source, page_url)
    try:
        page = pool.extract(html, url)
    except ExtractionFailed as exc:
        raise SourceError(f"{source}: {exc}") from None
    site = site_of(url)
    found = article(page, _site_lines(settings, site, page.text))
    return {
        "unreadable": False,
        "url": url,
        "site": site,
        "title": page.title,
        "author": page.author,
        "published": page.published,
        "site_name": page.site_name,
        "language": page.language,
        "stub": found.stub,
        "error": found.error,
        "text": found.text,
        "removed": [asdict(r) for r in found.removed],
    }


def read_sources(
    settings: Settings, sources: tuple[str, ...], taken: set[str] | None = None
) -> list[NewSeed]:
    """A seed document for each source; pages are reduced to their article, headline first,
    and each file is named after its title (its headline, or a text's first line), unlike
    the names `taken`."""
    pages = [s for s in sources if _is_page(s)]
    extracted = dict(extract_sources(settings, tuple(pages))) if pages else {}
    taken = set(taken or ())
    documents = []
    for source in sources:
        if source in extracted:
            result = extracted[source]
            if result["unreadable"]:
                raise SourceError(result["error"])  # a story is made from all its seeds or none
            if result["stub"]:
                raise SourceError(f"{source}: {result['error']}; seed with its text in a .txt file")
            # not a stub: the text is an article's (a short one would have been one)
            text = with_title(result["title"], result["text"])
            url = result["url"] if source.startswith("http") else None
            language = result["language"]
        else:
            text, url, language = read_text(Path(source)), None, None
            if not text.strip():
                raise StoryError(f"{source}: the document is empty; a seed needs its article text")
        file = seed_file_name(text.strip().splitlines()[0], taken)
        taken.add(file)
        documents.append(NewSeed(file, text, url, language))
    return documents


def _is_page(source: str) -> bool:
    return source.startswith(("http://", "https://")) or source.lower().endswith(HTML_SUFFIXES)


def _read(fetcher: Fetcher, source: str, page_url: str | None) -> tuple[bytes, str | None]:
    if source.startswith(("http://", "https://")):
        try:
            response = fetcher.get(source)
        except FetchError as exc:
            raise SourceError(f"{source}: {exc}") from None
        return response.content, response.url
    return read_bytes(Path(source)), page_url


def _site_lines(settings: Settings, site: str | None, text: str) -> set[str]:
    if not site or not settings.database.exists():
        return set()
    try:
        with open_store(settings.database, read_only=True) as store:
            return site_furniture(store, site, text, None, settings.extraction.learn_min_articles)
    except StoreError:
        return set()  # the database is busy or unreadable: the curated patterns still apply
