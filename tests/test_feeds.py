"""Feed bytes to entries."""

import pytest

from pipeline.feeds import FeedError, canonical_url, discover_feeds, parse_feed

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Desk</title>
<item><title>With guid</title><link>https://example.org/a</link><guid>id-a</guid>
<pubDate>Tue, 26 Jul 2022 10:00:00 +0300</pubDate></item>
<item><title>Link only</title><link>https://example.org/b</link></item>
<item><title>Neither</title><description>text</description></item>
</channel></rss>"""


def test_entries_get_a_stable_key_from_guid_link_or_content():
    feed = parse_feed(RSS)
    assert feed.title == "Desk"
    keys = [e.key for e in feed.entries]
    assert keys[:2] == ["guid:id-a", "url://example.org/b"]
    assert keys[2].startswith("hash:") and keys[2] == parse_feed(RSS).entries[2].key
    assert feed.entries[0].published.isoformat() == "2022-07-26T07:00:00+00:00"
    assert feed.entries[1].published is None


@pytest.mark.parametrize(
    "body, reason",
    [
        (b"", "empty body"),
        (b"<!DOCTYPE html><html><body><p>Please log in</p></body></html>", "not a feed"),
    ],
)
def test_what_is_not_a_feed_is_an_error(body, reason):
    with pytest.raises(FeedError, match=reason):
        parse_feed(body)


def test_a_slightly_broken_feed_keeps_its_entries():
    broken = RSS.replace(b"</channel></rss>", b"<junk></channel>")
    assert len(parse_feed(broken).entries) == 3


@pytest.mark.parametrize(
    "variant",
    [
        "https://www.example.org/2022/07/iss-exit?utm_source=feed&utm_medium=rss",
        "http://example.org/2022/07/iss-exit/",
        "https://example.org/2022/07/iss-exit?fbclid=IwAR0abc#comments",
        "https://example.org/2022/07/iss-exit/amp/",
        "https://amp.example.org/2022/07/iss-exit",
        "https://example.org/2022/07/iss-exit?amp=1",
    ],
)
def test_tracking_amp_and_scheme_variants_share_one_canonical_url(variant):
    assert canonical_url(variant) == "//example.org/2022/07/iss-exit"


def test_parameters_that_name_the_page_are_kept():
    assert (
        canonical_url("https://example.org/story?id=7&utm_campaign=x") == "//example.org/story?id=7"
    )


def item(guid: str, link: str, title: str) -> bytes:
    return f"<item><guid>{guid}</guid><link>{link}</link><title>{title}</title></item>".encode()


def test_a_guid_shared_by_different_items_is_not_trusted():
    body = (
        b"<rss version='2.0'><channel>"
        + b"".join(item("same", f"https://example.org/{n}", f"Story {n}") for n in range(3))
        + b"</channel></rss>"
    )
    keys = [e.key for e in parse_feed(body).entries]
    assert keys == [f"url://example.org/{n}" for n in range(3)]


def test_links_that_are_not_http_are_dropped():
    body = (
        b"<rss version='2.0'><channel>"
        + item("g", "javascript:alert(1)", "X")
        + b"</channel></rss>"
    )
    (entry,) = parse_feed(body).entries
    assert entry.url is None and entry.key == "guid:g"


def test_discovery_prefers_announced_feeds_then_common_paths():
    page = b"""<html><head>
    <link rel="alternate" type="application/rss+xml" href="/news/rss.xml">
    <link rel="alternate" type="text/html" href="/en/">
    <link rel="stylesheet" href="/style.css"></head><body></body></html>"""
    found = discover_feeds(page, "https://example.org/section/")
    assert found[0] == "https://example.org/news/rss.xml"
    assert "https://example.org/feed" in found and "https://example.org/en/" not in found
