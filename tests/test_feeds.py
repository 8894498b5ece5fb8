"""Feed bytes to entries."""

import pytest

from pipeline.feeds import FeedError, parse_feed

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
    assert keys[:2] == ["guid:id-a", "url:https://example.org/b"]
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
