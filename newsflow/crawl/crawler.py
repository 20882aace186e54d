"""One pass of a crawl: read the sources (feeds, sitemaps, sitemap indexes, news sitemaps), fetch the article
links not done before, emit each page as a raw article, remember what was done.

A link is keyed by its URL normalised with courlan (host case, default port, query order, tracking
parameters) without its fragment, so one article listed twice, or reached by a redirect, is emitted once.
Emitted first, remembered after: a crash between the two re-emits one article on restart (at least once;
dedup then flags the copy), never loses one.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Sequence
from urllib.parse import urldefrag, urlsplit

import aiohttp

from newsflow.crawl.fetch import HTML_TYPES, Fetched, Fetcher, Politeness, Skip
from newsflow.crawl.report import CrawlReport
from newsflow.crawl.sources import Link, NotASource, read_listing
from newsflow.crawl.state import CrawlState

MAX_SITEMAP_DEPTH = 3  # an index of indexes of sitemaps; deeper nesting is a loop or a mistake


@dataclass(frozen=True)
class Found:
    """An article link of this pass: its key (the normalised URL) and the source that listed it."""

    link: Link
    key: str
    source: str


@dataclass
class PassResult:
    """What a pass did: the given sources it could not read, and its counts."""

    failed_sources: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def link_key(url: str) -> str:
    """The key a link is remembered by: courlan's normal form of the URL, without fragment."""
    from courlan import normalize_url

    return normalize_url(urldefrag(url.strip())[0])


class Crawler:
    """Reads sources and emits new articles, politely; `run_pass` once per --once or per interval."""

    def __init__(
        self,
        politeness: Politeness,
        state: CrawlState,
        emit: Callable[[dict], None],
        report: CrawlReport,
        concurrency: int = 16,
    ) -> None:
        self.polite = politeness
        self.state = state
        self.emit = emit
        self.report = report
        self.concurrency = max(1, concurrency)

    async def run_pass(self, sources: Sequence[str]) -> PassResult:
        """Read every source, fetch and emit the articles not done before; the sources that failed."""
        self.report.pass_counts.clear()
        connector = aiohttp.TCPConnector(limit=self.concurrency)
        async with aiohttp.ClientSession(connector=connector, headers={"Accept-Encoding": "gzip, deflate"}) as session:
            fetcher = Fetcher(session, self.polite, self.report.retried)
            found, validators, failed = await self._read_sources(fetcher, list(dict.fromkeys(sources)))
            unsettled = await self._fetch_pages(fetcher, found)
        for source, (etag, modified) in validators.items():
            if source not in unsettled:  # a page that may yet come: ask the whole source again next time
                self.state.set_validators(source, etag, modified)
        return PassResult(failed, dict(self.report.pass_counts))

    async def _read_sources(
        self, fetcher: Fetcher, roots: list[str]
    ) -> tuple[list[Found], dict[str, tuple[str | None, str | None]], list[str]]:
        """Every source and the sitemaps indexes name, level by level: their links, validators, failed roots."""
        found: list[Found] = []
        validators: dict[str, tuple[str | None, str | None]] = {}
        failed: list[str] = []
        seen = {link_key(u) for u in roots}
        level: list[tuple[str, str | None]] = [(u, None) for u in roots]
        for depth in range(MAX_SITEMAP_DEPTH + 1):
            listings = await asyncio.gather(*(self._read_source(fetcher, url, parent) for url, parent in level))
            following: list[tuple[str, str | None]] = []
            for (url, _), (listing, fetched) in zip(level, listings):
                if listing is None:
                    if depth == 0 and fetched is False:
                        failed.append(url)
                    continue
                if isinstance(fetched, Fetched) and listing.kind != "sitemapindex":
                    # an index is read whole every pass: a 304 would hide its sitemaps, which change on their own
                    validators[url] = (fetched.etag, fetched.last_modified)
                found += [Found(link, "", url) for link in listing.links]
                for child in listing.sitemaps:
                    key = link_key(child)
                    if key in seen:
                        self.report.skipped(
                            "source", child, "read already in this pass (a sitemap loop, or named twice)", "loop", url
                        )
                    elif depth == MAX_SITEMAP_DEPTH:
                        self.report.skipped("source", child, f"sitemaps nested deeper than {depth}", "depth", url)
                    else:
                        seen.add(key)
                        following.append((child, url))
            level = following
        return found, validators, failed

    async def _read_source(self, fetcher: Fetcher, url: str, parent: str | None):
        """(listing, fetched) of one source: listing None when it was not modified (fetched None) or failed
        (fetched False)."""
        etag, modified = self.state.validators(url)
        try:
            fetched = await fetcher.get(url, etag=etag, modified=modified)
            if fetched is None:
                self.report.source_read("not_modified")
                return None, None
            listing = read_listing(fetched.body, fetched.content_type, fetched.final_url)
        except Skip as skip:
            self.report.skipped("source", url, skip.reason, skip.label, parent)
            return None, False
        except NotASource as err:
            self.report.skipped("source", url, str(err), "not_a_source", parent)
            return None, False
        self.report.source_read("read")
        return listing, fetched

    async def _fetch_pages(self, fetcher: Fetcher, found: list[Found]) -> set[str]:
        """Fetch and emit the new links; the sources whose links failed for a reason that may pass."""
        fresh: dict[str, Found] = {}
        for item in found:
            try:
                key = link_key(item.link.url)
            except ValueError as err:
                self.report.skipped("page", item.link.url, f"not a URL: {err}", "bad_url", item.source)
                continue
            fresh.setdefault(key, Found(item.link, key, item.source))
        for key in self.state.done(fresh):
            del fresh[key]
        unsettled: set[str] = set()
        claimed: set[str] = set()  # final URLs emitted in this pass: two links redirected to one article
        slots = asyncio.Semaphore(self.concurrency)

        async def one(item: Found) -> None:
            async with slots:
                if not await self._fetch_page(fetcher, item, claimed):
                    unsettled.add(item.source)

        await asyncio.gather(*(one(item) for item in fresh.values()))
        return unsettled

    async def _fetch_page(self, fetcher: Fetcher, item: Found, claimed: set[str]) -> bool:
        """Fetch one link and emit its article; False when it failed for a reason that may pass."""
        from courlan.filters import extension_filter

        url = item.link.url
        if not extension_filter(urlsplit(url).path):
            self.report.skipped("page", url, "not an HTML link (its file extension)", "not_html", item.source)
            self.state.mark_done([item.key])
            return True
        try:
            fetched = await fetcher.get(url, accept=HTML_TYPES)
        except Skip as skip:
            self.report.skipped("page", url, skip.reason, skip.label, item.source)
            if skip.lasting and skip.label != "robots":  # robots.txt may change; asking it costs no request
                self.state.mark_done([item.key])
            return skip.lasting
        if fetched is None:  # 304 to a request without validators: nothing to emit
            return True
        final = link_key(fetched.final_url)
        if final in claimed or (final != item.key and self.state.done([final])):
            self.state.mark_done([item.key])  # a redirect to an article emitted already
            return True
        claimed.add(final)
        await asyncio.to_thread(self.emit, article_of(fetched, item))
        self.state.mark_done([item.key, final])
        self.report.emitted()
        return True


def article_of(fetched: Fetched, item: Found) -> dict:
    """The raw article of a fetched page: the page, its URL after redirects, what the source said of it."""
    from newsflow.inputs import decode_text

    link = item.link
    feed = {"url": item.source, "title": link.title, "published_at": link.published_at, "authors": list(link.authors)}
    article = {
        "url": fetched.final_url,
        "body": decode_text(fetched.body, fetched.charset),
        "fetched_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "feed": {k: v for k, v in feed.items() if v},
    }
    if fetched.final_url != link.url:
        article["link"] = link.url
    return article


__all__ = ["Crawler", "PassResult", "article_of", "link_key"]
