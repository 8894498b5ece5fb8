"""Plain article text -> the HTML page a news site would serve around it. Pure.

The demo's pages must carry what real pages carry, because extraction is judged on them:
navigation, ads, an affiliate disclosure in its own element, photo credits, related links
and a reader-comment section. Lines of the source text that are page furniture (a disclosure,
a credit, "More: ..." links, comment headers) are recognised here and put in their own element.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape

HEADER = re.compile(r"^(Title|Published|Author|Section|Language):\s*(.*)$")
DISCLOSURE = re.compile(r"^We may earn a commission", re.I)
CREDIT = re.compile(r"^(Photo|Image|Credit):\s|^[A-Z][\w.]+(?: [A-Z][\w.]+)* / [A-Z]{2,}$")
RELATED = re.compile(r"^\**(More|Related article|Read more):\**\s*(.+)$")
SOURCE_URL = re.compile(r"^Original url:\s*$|^<https?://\S+>$")
DATE_ONLY = re.compile(r"^[A-Z][a-z]+ \d{1,2}, \d{4}$")  # a dateline on its own ("July 26, 2022")
DATE_STAMP = re.compile(r"^date \d{4}-\d{2}-\d{2}\s+")  # a scraper's stamp before the text
COMMENT_HEADER = re.compile(
    r"^(?P<author>.+?)(?: in reply to (?P<to>.+?)\.?)? \| (?P<when>.+ at .+)$"
)
MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")

SITE_NAME = "The Daily Orbit"
# The site ends every article with this, in a plain paragraph that no markup gives away: only
# learning what the site repeats can remove it.
SITE_LINE = "Tips and corrections about this story are welcome at desk@dailyorbit.example."
GENERIC_COMMENTS = [
    ("skywatcher", "Good summary, thanks for keeping on top of this."),
    ("m_ortega", "I wonder what the other partners will say about it next week."),
]


@dataclass
class Comment:
    author: str
    when: str
    depth: int
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class DemoPage:
    slug: str
    title: str
    published: datetime
    author: str | None = None
    section: str = "space"
    language: str = "en"
    paragraphs: list[str] = field(default_factory=list)
    disclosure: str | None = None
    captions: list[str] = field(default_factory=list)
    credit: str | None = None
    related: list[str] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return self.paragraphs[0] if self.paragraphs else self.title


def page_from_text(slug: str, text: str, default_published: datetime) -> DemoPage:
    """Sort the blocks of an article's plain text into body and page furniture."""
    headers: dict[str, str] = {}
    blocks = [b for b in re.split(r"\n\s*\n", text.strip("\n")) if b.strip()]
    page = DemoPage(slug=slug, title="", published=default_published)
    body: list[str] = []
    comment_lines: list[str] = []
    for block in blocks:
        if comment_lines or COMMENT_HEADER.match(block.strip()):
            comment_lines.append(block)
            continue
        lines = [ln.strip() for ln in block.splitlines() if ln.strip()]
        found = [m for ln in lines if (m := HEADER.match(ln))]
        if len(found) == len(lines):
            headers.update((m[1], m[2]) for m in found)
            continue
        furniture = [ln for ln in lines if _furniture(page, ln)]
        rest = [ln for ln in lines if ln not in furniture]
        if furniture and rest and len(lines) > 1:
            page.captions.extend(rest)  # lines sharing a block with a credit describe the photo
        elif rest:
            body.append(" ".join(rest))
    body = [_clean(p) for p in body if _clean(p)]
    page.title = headers.get("Title") or _title_from(body)
    if headers.get("Published"):
        page.published = datetime.fromisoformat(headers["Published"].replace("Z", "+00:00"))
    page.author = headers.get("Author")
    page.section = headers.get("Section", page.section)
    page.language = headers.get("Language", page.language)
    page.paragraphs = body
    page.comments = _comments(comment_lines) or [
        Comment(author, "the same day", 0, [said]) for author, said in GENERIC_COMMENTS
    ]
    return page


def _furniture(page: DemoPage, line: str) -> bool:
    if DISCLOSURE.match(line):
        page.disclosure = line
    elif CREDIT.match(line):
        page.credit = line
    elif m := RELATED.match(line):
        page.related.append(_clean(m.group(2)))
    elif SOURCE_URL.match(line):
        pass  # a copy's note of where it came from; the page links its source in the footer
    else:
        return False
    return True


def _title_from(body: list[str]) -> str:
    """A short first line is the headline; otherwise the opening words of the first sentence."""
    first = body[0] if body else "Untitled"
    if len(first) < 120 and not first.endswith("."):
        body.pop(0)
        return first
    # never the whole sentence: a headline equal to a paragraph would be read as one line
    words = first.split(". ")[0].split()
    return " ".join(words[:10]) + "…"


def _clean(paragraph: str) -> str:
    """Markdown left in a copied text (links, emphasis, escapes) becomes plain text."""
    text = MD_LINK.sub(r"\1", paragraph).replace("\\$", "$")
    text = re.sub(r"\*+([^*]+)\*+", r"\1", text).strip().lstrip("# ").strip()
    return "" if DATE_ONLY.match(text) else DATE_STAMP.sub("", text)


def _comments(blocks: list[str]) -> list[Comment]:
    comments: list[Comment] = []
    for block in blocks:
        first = block.splitlines()[0]
        depth = (len(first) - len(first.lstrip())) // 2
        if m := COMMENT_HEADER.match(block.strip()):
            comments.append(Comment(m["author"], m["when"], depth))
        elif comments:
            comments[-1].paragraphs.append(" ".join(block.split()))
        else:
            comments.append(Comment("anonymous", "", depth, [" ".join(block.split())]))
    return comments


# -- rendering ------------------------------------------------------------------------------

NAV = """<header class="site-header"><a class="logo" href="/">{site}</a>
<nav class="main-nav"><ul><li><a href="/space/">Space</a></li><li><a href="/world/">World</a></li>
<li><a href="/science/">Science</a></li><li><a href="/newsletters/">Newsletters</a></li>
<li><a href="/subscribe/">Subscribe</a></li></ul></nav></header>
<div class="ad ad-leaderboard" id="ad-top">Advertisement</div>"""

FOOTER = """<aside class="sidebar"><div class="ad ad-box">Advertisement</div>
<section class="newsletter"><h3>Sign up for our newsletter</h3>
<p>Get the day's top stories in your inbox every morning.</p></section></aside>
<footer class="site-footer"><p>&copy; 2022 {site}. All rights reserved.</p>
<ul><li><a href="/about/">About us</a></li><li><a href="/privacy/">Privacy policy</a></li>
<li><a href="/terms/">Terms of use</a></li></ul></footer>"""


def render_page(page: DemoPage) -> str:
    e = escape
    iso = page.published.astimezone(UTC).isoformat()
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{e(page.language)}"><head><meta charset="utf-8">'
        f"<title>{e(page.title)} | {SITE_NAME}</title>",
        f'<meta property="og:title" content="{e(page.title)}">',
        f'<meta property="og:site_name" content="{SITE_NAME}">',
        f'<meta property="article:published_time" content="{iso}">',
        f'<meta name="author" content="{e(page.author)}">' if page.author else "",
        "</head><body>",
        NAV.format(site=SITE_NAME),
        '<main><article class="post">',
        f"<h1>{e(page.title)}</h1>",
        f'<p class="byline">By {e(page.author)}</p>' if page.author else "",
        f'<time datetime="{iso}">{page.published:%B %d, %Y}</time>',
    ]
    if page.disclosure:
        parts.append(f'<aside class="affiliate-disclosure"><p>{e(page.disclosure)}</p></aside>')
    if page.captions or page.credit:
        alt = page.captions[0] if page.captions else ""
        caption = " ".join(page.captions[1:] or page.captions)
        parts.append(
            f'<figure class="lead-image"><img src="/img/{e(page.slug)}.jpg" alt="{e(alt)}">'
            f"<figcaption>{e(caption)} "
            f'<span class="credit">{e(page.credit or "")}</span></figcaption></figure>'
        )
    parts.append('<div class="article-body">')
    parts += [f"<p>{e(p)}</p>" for p in page.paragraphs]
    parts.append(f"<p>{e(SITE_LINE)}</p>")
    parts.append("</div>")
    if page.related:
        links = "".join(f'<li><a href="/related/">{e(r)}</a></li>' for r in page.related)
        parts.append(f'<aside class="related-links"><h3>Related</h3><ul>{links}</ul></aside>')
    parts.append('<div class="share">Share this article: Facebook · X · Email</div>')
    parts.append("</article>")
    parts.append(_render_comments(page.comments))
    parts.append("</main>")
    parts.append(FOOTER.format(site=SITE_NAME))
    parts.append("</body></html>")
    return "\n".join(p for p in parts if p)


def _render_comments(comments: list[Comment]) -> str:
    items = []
    for c in comments:
        text = "".join(f"<p>{escape(p)}</p>" for p in c.paragraphs)
        items.append(
            f'<li class="comment depth-{c.depth}"><div class="comment-author">{escape(c.author)}'
            f'</div><div class="comment-meta">{escape(c.when)}</div>'
            f'<div class="comment-content">{text}</div></li>'
        )
    return (
        f'<section id="comments" class="comments-area"><h2>{len(comments)} Comments</h2>'
        f'<ol class="comment-list">{"".join(items)}</ol></section>'
    )
