"""A news site on loopback for the crawler's tests: feeds, sitemaps, robots.txt and the repo's test pages,
and the bad sources a crawl meets. Served by aiohttp from a thread of the test process; it records every
request (path, headers) and the most requests it had in flight at once.

    with NewsSite() as site:
        site.url("/feed.rss")
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime

from aiohttp import web
from pages import PAGES

ROBOTS = "User-agent: *\nDisallow: /private/\n\nUser-agent: badbot\nDisallow: /\n"
BIG = 50 * 1024 * 1024  # a page of 50 MB


def rss(base: str, items: list[tuple[str, str, str, str]]) -> str:
    """An RSS 2.0 feed of (path, title, RFC 822 date, author) items."""
    entries = "".join(
        f"<item><title>{t}</title><link>{base}{p}</link><pubDate>{d}</pubDate>"
        f"<author>desk@site.example ({a})</author></item>"
        for p, t, d, a in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Site</title><link>{base}/</link>{entries}</channel></rss>'


def atom(base: str, items: list[tuple[str, str, str, str]]) -> str:
    """An Atom feed of (path, title, ISO date, author) entries."""
    entries = "".join(
        f'<entry><title>{t}</title><link href="{base}{p}"/><id>{base}{p}</id><updated>{d}</updated>'
        f"<author><name>{a}</name></author></entry>"
        for p, t, d, a in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Site</title>'
        f"<id>{base}/</id><updated>2024-03-14T00:00:00Z</updated>{entries}</feed>"
    )


def urlset(base: str, paths: list[str], news_titles: dict[str, str] | None = None) -> str:
    """A sitemap of `paths`; those in `news_titles` with a news:news entry (title and date)."""
    news_titles = news_titles or {}
    rows = []
    for p in paths:
        news = ""
        if p in news_titles:
            news = (
                "<news:news><news:publication><news:name>Site</news:name><news:language>en</news:language>"
                f"</news:publication><news:publication_date>2024-03-15T07:00:00Z</news:publication_date>"
                f"<news:title>{news_titles[p]}</news:title></news:news>"
            )
        rows.append(f"<url><loc>{base}{p}</loc>{news}</url>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + "".join(rows) + "</urlset>"
    )


def sitemap_index(base: str, paths: list[str]) -> str:
    """A sitemap index naming `paths`."""
    rows = "".join(f"<sitemap><loc>{base}{p}</loc></sitemap>" for p in paths)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        + rows
        + "</sitemapindex>"
    )


def bare_page() -> str:
    """A page without title, author or date of its own (not even a copyright year): the feed's fill them."""
    html = (PAGES / "en_floods.html").read_text(encoding="utf-8")
    head_end = html.index("</head>")
    html = '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' + html[head_end:]
    for cut in (
        "<h1>Floods force hundreds from their homes</h1>",
        '<p class="byline">By Tom Baker, <time datetime="2024-03-13">2024-03-13</time></p>',
        "Copyright 2024 ",
    ):
        html = html.replace(cut, "")
    return html


def _handler(answer):
    async def handle(request: web.Request) -> web.Response:
        return answer()

    return handle


@dataclass
class Requests:
    """What the site was asked: (path with query, headers) in order, and the most in flight at once."""

    seen: list[tuple[str, dict]] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0

    def paths(self) -> list[str]:
        return [p for p, _ in self.seen]

    def count(self, path: str) -> int:
        return sum(1 for p, _ in self.seen if p == path)


class NewsSite:
    """The site, started on a free loopback port; `url(path)` gives its address; stop() or `with` ends it."""

    def __init__(self) -> None:
        self.requests = Requests()
        self.flaky_left = 1  # /news/flaky answers 503 this many times first
        self.extra_feed_items: list[tuple[str, str, str, str]] = []
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self.port = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "NewsSite":
        ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, args=(ready,), daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the test site did not start")
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _serve(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        self._runner = web.AppRunner(self._app(), access_log=None)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        ready.set()
        self._loop.run_forever()

    def stop(self) -> None:
        """Stop serving and close the port."""
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
            self._runner = None
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    # --- what the site serves ---------------------------------------------------------------

    def documents(self) -> dict[str, tuple[str, str]]:
        """path -> (content type, text) of the feeds and sitemaps."""
        b = self.base
        date = format_datetime(datetime(2024, 3, 14, 8, 0, tzinfo=timezone.utc), usegmt=True)
        feed_items = [
            ("/news/en_minister", "Minister denies wrongdoing (feed)", date, "Feed Desk"),
            ("/private/fr_koursk", "Not for crawlers", date, "Feed Desk"),
            ("/go/floods", "Floods, via a redirect", date, "Feed Desk"),
            ("/news/en_minister?utm_source=rss#top", "The same article, tracked", date, "Feed Desk"),
            *self.extra_feed_items,
        ]
        return {
            "/feed.rss": ("application/rss+xml", rss(b, feed_items)),
            "/atom.xml": (
                "application/atom+xml",
                atom(
                    b,
                    [
                        ("/news/de_energie", "Energiepreise", "2024-01-09T09:30:00Z", "Jonas Weber"),
                        ("/news/bare", "Rivers burst their banks", "2024-03-13T06:15:00Z", "Alex Rivers"),
                    ],
                ),
            ),
            "/sitemap_index.xml": ("application/xml", sitemap_index(b, ["/sitemap-news.xml", "/sitemap-more.xml"])),
            "/sitemap-news.xml": (
                "application/xml",
                urlset(b, ["/news/es_lluvias"], {"/news/es_lluvias": "Lluvias en el sur"}),
            ),
            "/sitemap-more.xml": ("application/xml", urlset(b, ["/news/fr_koursk", "/news/en_floods"])),
            "/loop-a.xml": ("application/xml", sitemap_index(b, ["/loop-b.xml"])),
            "/loop-b.xml": ("application/xml", sitemap_index(b, ["/loop-a.xml", "/sitemap-news.xml"])),
            "/bad-links.rss": (
                "application/rss+xml",
                rss(
                    b,
                    [
                        (p, "Bad link", date, "Feed Desk")
                        for p in (
                            "/huge",
                            "/huge-chunked",
                            "/media/photo",
                            "/files/report.pdf",
                            "/news/gone",
                            "/news/flaky",
                        )
                    ],
                ),
            ),
            "/unreachable-links.rss": (
                "application/rss+xml",
                rss("http://127.0.0.1:9", [("/news/nowhere", "Nowhere", date, "Feed Desk")]),
            ),
        }

    def _app(self) -> web.Application:
        app = web.Application(middlewares=[self._record])
        fixed = {
            "/robots.txt": lambda: web.Response(text=ROBOTS),
            "/news/bare": lambda: web.Response(text=bare_page(), content_type="text/html"),
            "/news/gone": lambda: web.Response(status=404, text="gone"),
            "/go/floods": lambda: web.Response(status=301, headers={"Location": "/news/en_floods"}),
            "/media/photo": lambda: web.Response(body=b"\x89PNG\r\n\x1a\n" * 100, content_type="image/png"),
            "/files/report.pdf": lambda: web.Response(body=b"%PDF-1.4", content_type="application/pdf"),
            "/missing.xml": lambda: web.Response(status=404, text="no such feed"),
            "/broken.xml": lambda: web.Response(status=500, text="oops"),
        }
        for path, answer in fixed.items():
            app.router.add_get(path, _handler(answer))
        app.router.add_get("/news/flaky", self._flaky)
        app.router.add_get("/news/{name}", self._page)
        app.router.add_get("/private/{name}", self._page)
        app.router.add_get("/huge", self._huge)
        app.router.add_get("/huge-chunked", self._huge_chunked)
        app.router.add_get("/page-as-feed", self._page_as_feed)
        app.router.add_get("/{doc:.+\\.(?:xml|rss)}", self._document)
        return app

    @web.middleware
    async def _record(self, request: web.Request, handler):
        self.requests.seen.append((request.path_qs, dict(request.headers)))
        self.requests.in_flight += 1
        self.requests.most_in_flight = max(self.requests.most_in_flight, self.requests.in_flight)
        try:
            return await handler(request)
        finally:
            self.requests.in_flight -= 1

    async def _page(self, request: web.Request) -> web.Response:
        path = PAGES / f"{request.match_info['name']}.html"
        if not path.is_file():
            raise web.HTTPNotFound()
        await asyncio.sleep(0.01)  # a page takes a moment: requests of one host may overlap
        return web.Response(body=path.read_bytes(), content_type="text/html", charset="utf-8")

    async def _page_as_feed(self, request: web.Request) -> web.Response:
        return web.Response(body=(PAGES / "en_minister.html").read_bytes(), content_type="text/html", charset="utf-8")

    async def _flaky(self, request: web.Request) -> web.Response:
        if self.flaky_left > 0:
            self.flaky_left -= 1
            return web.Response(status=503, text="busy", headers={"Retry-After": "0"})
        return web.Response(body=(PAGES / "es_lluvias.html").read_bytes(), content_type="text/html", charset="utf-8")

    async def _huge(self, request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/html", "Content-Length": str(BIG)})
        await resp.prepare(request)
        try:
            chunk = b"<p>" + b"x" * 65533
            for _ in range(BIG // len(chunk)):
                await resp.write(chunk)
        except (ConnectionError, RuntimeError):
            pass  # the crawler stopped reading: as it should
        return resp

    async def _huge_chunked(self, request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/html"})
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        try:
            chunk = b"<p>" + b"x" * 65533
            for _ in range(BIG // len(chunk)):
                await resp.write(chunk)
            await resp.write_eof()
        except (ConnectionError, RuntimeError):
            pass
        return resp

    async def _document(self, request: web.Request) -> web.Response:
        found = self.documents().get(request.path)
        if found is None:
            raise web.HTTPNotFound()
        content_type, text = found
        etag = '"' + hashlib.sha1(text.encode()).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(text=text, content_type=content_type, headers={"ETag": etag})
