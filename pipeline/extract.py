"""HTML -> article text and metadata with trafilatura. Pure: trafilatura never downloads here.

The page is parsed once; the metadata is read from its <meta> tags (trafilatura's own metadata
pass, with its date search, would cost a third more time than the extraction itself), then
trafilatura takes the same tree for the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import trafilatura
from trafilatura.settings import Document

from .boilerplate import Removed, strip_boilerplate

MIN_TEXT_CHARS = 200  # below this a page gave no article (a stub, a gallery, an error page)
STUB_MAX_CHARS = 1500  # a stub is short: a long text that mentions cookies is an article

# What a page says when it withholds the article; (pattern, reason)
STUBS = [
    (re.compile(p, re.I), reason)
    for p, reason in [
        (r"(enable|turn on|activate) javascript|javascript (is )?(required|disabled)",
         "needs JavaScript"),
        (r"subscribe (now )?to (continue|keep) reading|(for|only available to) subscribers|"
         r"already a subscriber|this (article|content) is (for|available to) (paid )?(members|"
         r"subscribers)|sign in to (continue|read)|create a free account to (continue|read)",
         "paywall"),
        (r"(we|this site) uses? cookies|accept (all )?cookies|cookie (settings|preferences)|"
         r"(your|manage) (privacy|consent) (choices|settings)", "consent wall"),
        (r"(are you a robot|verify you are (a )?human|captcha)", "bot check"),
    ]
]  # fmt: skip

# The text a reader sees of a page, without the site's navigation and footer
VISIBLE = (
    ".//text()[not(ancestor::script or ancestor::style or ancestor::template"
    " or ancestor::nav or ancestor::footer)]"
)

META = {
    "title": ['//meta[@property="og:title"]/@content', "//title/text()"],
    "author": ['//meta[@name="author"]/@content', '//meta[@property="article:author"]/@content'],
    "site_name": ['//meta[@property="og:site_name"]/@content'],
    "published": [
        '//meta[@property="article:published_time"]/@content',
        '//meta[@itemprop="datePublished"]/@content',
        "//time/@datetime",
    ],
    "language": [
        "/html/@lang",
        '//meta[@http-equiv="content-language"]/@content',
        '//meta[@property="og:locale"]/@content',
    ],
}


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    site_name: str | None = None
    language: str | None = None
    withheld: str | None = None  # what the text says instead of the article: "paywall", ...
    notice: str | None = None  # what the rest of the page says so (a banner, a link)

    @property
    def stub(self) -> str | None:
        """Why this is not an article, or None."""
        return stub_reason(self.text, self.withheld, self.notice)


@dataclass(frozen=True)
class Article:
    """What is stored of an extracted page: its text without boilerplate, or why it has none."""

    text: str | None
    stub: str | None
    removed: tuple[Removed, ...]

    @property
    def error(self) -> str | None:
        return f"the page gives no article ({self.stub})" if self.stub else None


def article(extracted: Extracted, site_lines: frozenset[str] | set[str] = frozenset()) -> Article:
    """The page's article, as the fetch stage stores it and a seed document is taken: the text
    without boilerplate (`site_lines`: what the site repeats), unless what is left is a stub."""
    cleaned = strip_boilerplate(extracted.text, site_lines)
    stub = stub_reason(cleaned.text, extracted.withheld, extracted.notice)
    return Article(None if stub else cleaned.text, stub, tuple(cleaned.removed))


def stub_reason(text: str, withheld: str | None = None, notice: str | None = None) -> str | None:
    """Why `text` is not an article (paywall, consent wall, too short), or None.

    `withheld` is a notice the text itself gives in place of the article (a paywall's teaser
    included). `notice` is one found only elsewhere on the page: cookie banners and "Cookie
    settings" links sit on article pages too, so it only names the reason when the text is
    too short to be an article anyway.
    """
    if len(text) > STUB_MAX_CHARS:
        return None
    if withheld:
        return withheld
    if len(text) < MIN_TEXT_CHARS:
        return notice or f"only {len(text)} characters of text"
    return None


def _notice(text: str) -> str | None:
    for pattern, reason in STUBS:
        if pattern.search(text):
            return reason
    return None


def _withheld(text: str) -> str | None:
    """The notice a short text gives in place of its article: the text is little else, or
    ends with it (a teaser that a paywall cuts off). A notice's words amid an article's prose
    ("cheaper for subscribers", "cookie settings must be easy to refuse") are the news."""
    if len(text) > STUB_MAX_CHARS or not (reason := _notice(text)):
        return None
    paragraphs = [line for line in text.splitlines() if line.strip()]
    rest = sum(len(line) for line in paragraphs if not _notice(line))
    return reason if _notice(paragraphs[-1]) or rest < MIN_TEXT_CHARS else None


def _page_notice(text: str, html: bytes | str) -> str | None:
    """What a short page's visible text says in place of an article: trafilatura drops a
    two-line paywall notice as not worth extracting (and prunes the tree it is given, so the
    rare short page is parsed again). Code is not read (a reCAPTCHA script is no bot check),
    nor the site's navigation and footer, which every page of the site carries."""
    if len(text) > STUB_MAX_CHARS:
        return None
    tree = trafilatura.load_html(html)
    if tree is None:
        return None
    body = tree.find("body")
    seen = (body if body is not None else tree).xpath(VISIBLE)
    return _notice(" ".join(" ".join(seen).split()))


def extract(html: bytes | str, url: str | None = None) -> Extracted:
    """Main text without navigation, ads or reader comments, plus the page's metadata."""
    tree = trafilatura.load_html(html)
    if tree is None:
        return Extracted(text="")
    meta = {key: _first(tree, paths) for key, paths in META.items()}
    found = trafilatura.bare_extraction(tree, url=url, include_comments=False)
    doc = found if isinstance(found, Document) else None  # a dict only when asked (as_dict)
    text = _without_headline((doc.text or "") if doc else "", meta["title"])
    return Extracted(
        text=text,
        title=meta["title"] or (doc.title if doc else None),
        author=meta["author"],
        published=_date(meta["published"]),
        site_name=meta["site_name"],
        language=_language(meta["language"], text),
        withheld=_withheld(text),
        notice=_page_notice(text, html),
    )


def _first(tree, paths: list[str]) -> str | None:
    for path in paths:
        for value in tree.xpath(path):
            if str(value).strip():
                return " ".join(str(value).split())
    return None


def _without_headline(text: str, title: str | None) -> str:
    # the headline is kept as the title; as the text's first line it would be matched twice
    first, _, rest = text.partition("\n")
    if title and first.strip() and (first.strip() in title or title in first.strip()):
        return rest.strip()
    return text.strip()


def _language(declared: str | None, text: str) -> str | None:
    if declared:
        return declared.replace("_", "-").split("-")[0].lower()
    if len(text) < MIN_TEXT_CHARS:
        return None
    import py3langid  # loads its model on first use: only for pages that declare nothing

    return py3langid.classify(text[:3000])[0]


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def html_to_text(fragment: str) -> str:
    """Plain text of a small HTML fragment such as a feed summary."""
    if "<" not in fragment:
        return fragment.strip()
    import lxml.html  # trafilatura's own parser; imported here as most summaries are plain

    try:
        return " ".join(lxml.html.fromstring(fragment).text_content().split())
    except Exception:  # lxml raises a zoo of types on junk; junk has no text worth keeping
        return ""
