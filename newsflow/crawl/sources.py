"""What a source lists: the article links of an RSS/Atom feed, or of a sitemap (news sitemaps with their
titles and dates), and the sitemaps a sitemap index names.

Feeds are read by feedparser: every RSS and Atom dialect, dates parsed, authors as names. Sitemaps by
lxml, streaming, with entities and the network off. trafilatura's feed and sitemap readers return links
only (no title, date or author) and drop links whose host is an IP address or `localhost`
(benchmarks/crawl_parsers.py), so they serve neither the feed's metadata nor a crawl of a loopback host.
"""

from __future__ import annotations

import calendar
import io
import re
import time
from dataclasses import dataclass, field

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
_RSS_AUTHOR = re.compile(r"\S+@\S+\s*\(([^()]+)\)")
_FIELDS = {(SITEMAP_NS, "loc"), (SITEMAP_NS, "lastmod"), (NEWS_NS, "title"), (NEWS_NS, "publication_date")}


class NotASource(Exception):
    """The document is neither a feed nor a sitemap (the reason says what it is)."""


@dataclass(frozen=True)
class Link:
    """An article link as a source lists it, with what the source says of the article."""

    url: str
    title: str | None = None
    published_at: str | None = None  # ISO 8601, UTC
    authors: tuple[str, ...] = ()


@dataclass
class Listing:
    """What one source document lists: `kind` is rss/atom (feedparser's version), sitemap or sitemapindex."""

    kind: str
    links: list[Link] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)


def read_listing(body: bytes, content_type: str, url: str) -> Listing:
    """The links of a feed or sitemap; NotASource when it is neither (an HTML page, an image, nothing)."""
    head = body.lstrip()[:2000].lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return _sitemap(body)
    return _feed(body, content_type, url)


def _feed(body: bytes, content_type: str, url: str) -> Listing:
    import feedparser

    parsed = feedparser.parse(body, response_headers={"content-type": content_type, "content-location": url})
    if not parsed.get("version"):
        what = content_type or "no content type"
        raise NotASource(f"neither a feed nor a sitemap ({what})")
    links = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        date = entry.get("published_parsed") or entry.get("updated_parsed")
        links.append(
            Link(
                url=link,
                title=(entry.get("title") or "").strip() or None,
                published_at=_iso(date) if date else None,
                authors=_authors(entry),
            )
        )
    return Listing(kind=parsed.version, links=links)


def _authors(entry: dict) -> tuple[str, ...]:
    """The entry's authors by name. RSS writes "mail@example.com (Name)", which feedparser 6 splits wrongly
    when the address's top-level domain is longer than four letters, or for two authors: read from the text."""
    text = entry.get("author") or ""
    named = _RSS_AUTHOR.findall(text)
    if named or "@" in text:  # names in parentheses, or addresses only
        return tuple(n.strip() for n in named if n.strip())
    names = ((a.get("name") or "").strip() for a in entry.get("authors") or ())
    return tuple(n for n in names if n and "@" not in n)  # a bare address is no name


def _iso(value: time.struct_time) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(calendar.timegm(value)))


def _sitemap(body: bytes) -> Listing:
    from lxml import etree

    listing = Listing(kind="sitemap")
    entry: dict[str, str] = {}
    try:
        for event, element in etree.iterparse(
            io.BytesIO(body), events=("start", "end"), resolve_entities=False, no_network=True, huge_tree=False
        ):
            qname = etree.QName(element)
            name = qname.localname
            if event == "start":
                if name == "sitemapindex":
                    listing.kind = "sitemapindex"
                continue
            if (qname.namespace, name) in _FIELDS:  # not an image sitemap's image:loc, say
                entry.setdefault(name, (element.text or "").strip())
            elif name in ("url", "sitemap"):
                _add(listing, name, entry)
                entry = {}
                element.clear()
    except etree.XMLSyntaxError as err:
        raise NotASource(f"a sitemap that is not well-formed XML: {err}") from None
    return listing


def _add(listing: Listing, name: str, entry: dict[str, str]) -> None:
    loc = entry.get("loc")
    if not loc:
        return
    if name == "sitemap":
        listing.sitemaps.append(loc)
    else:
        date = entry.get("publication_date") or entry.get("lastmod") or None
        listing.links.append(Link(url=loc, title=entry.get("title") or None, published_at=date))


__all__ = ["Link", "Listing", "NotASource", "read_listing"]
