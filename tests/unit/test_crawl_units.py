"""The crawler's parts without a network: what feeds and sitemaps list, link keys, the host gate's spacing
and bound (a fake clock), the state folder across restarts, and the feed's metadata in normalize."""

from __future__ import annotations

import asyncio

import pytest
from crawl_site import atom, bare_page, rss, sitemap_index, urlset
from pages import page

from newsflow.crawl.crawler import link_key
from newsflow.crawl.fetch import HostGate, host_of
from newsflow.crawl.sources import NotASource, read_listing
from newsflow.crawl.state import FileState
from services.normalize.logic import normalize_article
from shared.core.events import ArticlePublished, InvalidEvent

BASE = "https://news.example"


def test_an_rss_feed_lists_its_links_with_title_date_and_author_names():
    body = rss(BASE, [("/a", "First", "Tue, 12 Mar 2024 09:30:00 GMT", "Sarah Collins")]).encode()
    listing = read_listing(body, "application/rss+xml", BASE + "/feed")
    assert listing.kind == "rss20" and listing.sitemaps == []
    (link,) = listing.links
    assert (link.url, link.title, link.published_at, link.authors) == (
        f"{BASE}/a",
        "First",
        "2024-03-12T09:30:00Z",
        ("Sarah Collins",),
    )


def test_rss_authors_are_read_from_the_text_where_feedparser_splits_them_wrongly():
    body = (
        b'<rss version="2.0"><channel><item><link>https://a.example/1</link>'
        b"<author>desk@paper.example (Desk One), night@paper.example (Night Desk)</author></item>"
        b"<item><link>https://a.example/2</link><author>only@paper.example</author></item></channel></rss>"
    )
    first, second = read_listing(body, "application/rss+xml", "x").links
    assert first.authors == ("Desk One", "Night Desk") and second.authors == ()


def test_an_atom_feed_gives_dates_in_utc():
    body = atom(BASE, [("/b", "Second", "2024-03-12T10:30:00+01:00", "Jane Roe")]).encode()
    listing = read_listing(body, "application/atom+xml", BASE + "/atom")
    assert listing.kind == "atom10"
    assert [(x.url, x.published_at, x.authors) for x in listing.links] == [
        (f"{BASE}/b", "2024-03-12T09:30:00Z", ("Jane Roe",))
    ]


def test_a_news_sitemap_gives_titles_and_dates_and_an_index_its_sitemaps():
    body = urlset(BASE, ["/n", "/plain"], {"/n": "News title"}).encode()
    listing = read_listing(body, "application/xml", "x")
    assert listing.kind == "sitemap"
    assert [(x.url, x.title, x.published_at) for x in listing.links] == [
        (f"{BASE}/n", "News title", "2024-03-15T07:00:00Z"),
        (f"{BASE}/plain", None, None),
    ]
    index = read_listing(sitemap_index(BASE, ["/s1.xml", "/s2.xml"]).encode(), "text/xml", "x")
    assert index.kind == "sitemapindex" and index.sitemaps == [f"{BASE}/s1.xml", f"{BASE}/s2.xml"]


def test_an_image_sitemaps_image_loc_is_not_an_article():
    body = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        b'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"><url><loc>https://a.example/story</loc>'
        b"<image:image><image:loc>https://a.example/p.jpg</image:loc></image:image></url></urlset>"
    )
    assert [x.url for x in read_listing(body, "application/xml", "x").links] == ["https://a.example/story"]


@pytest.mark.parametrize(
    "body, content_type, says",
    [
        (page("en_minister.html").encode(), "text/html", "neither a feed nor a sitemap (text/html)"),
        (b"\x89PNG\r\n\x1a\n", "image/png", "(image/png)"),
        (b"", "application/xml", "neither a feed nor a sitemap"),
        (
            b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>x',
            "application/xml",
            "not well-formed",
        ),
    ],
)
def test_what_is_no_feed_or_sitemap_says_what_it_is(body, content_type, says):
    with pytest.raises(NotASource) as err:
        read_listing(body, content_type, "x")
    assert says in str(err.value)


def test_a_link_is_keyed_without_fragment_tracking_parameters_default_port_or_host_case():
    key = link_key("https://news.example/a/b?x=1")
    assert link_key("https://News.Example:443/a/b?utm_source=rss&x=1#comments") == key
    assert link_key("https://news.example/a/c?x=1") != key
    assert host_of("https://News.Example:8443/a") == "https://news.example:8443"


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


def test_the_host_gate_spaces_request_starts_by_its_delay():
    clock = FakeClock()
    gate = HostGate(concurrency=4, delay_s=1.5, clock=clock, sleep=clock.sleep)
    starts = []

    async def three() -> None:
        for _ in range(3):
            async with gate:
                starts.append(clock.now)

    asyncio.run(three())
    assert starts == [100.0, 101.5, 103.0] and clock.slept == [1.5, 1.5]


def test_the_host_gate_holds_no_more_requests_in_flight_than_its_bound():
    clock = FakeClock()
    gate = HostGate(concurrency=2, delay_s=0.0, clock=clock, sleep=clock.sleep)
    in_flight, most = 0, 0

    async def request() -> None:
        nonlocal in_flight, most
        async with gate:
            in_flight += 1
            most = max(most, in_flight)
            await asyncio.sleep(0)  # let the others try to enter
            await asyncio.sleep(0)
            in_flight -= 1

    async def many() -> None:
        await asyncio.gather(*(request() for _ in range(6)))

    asyncio.run(many())
    assert most == 2


def test_the_state_folder_remembers_links_and_validators_across_a_restart(tmp_path):
    state = FileState(tmp_path / "crawl")
    state.mark_done(["https://a.example/1", "https://a.example/2"])
    state.set_validators("https://a.example/feed", '"v1"', "Tue, 12 Mar 2024 09:30:00 GMT")
    state.close()
    again = FileState(tmp_path / "crawl")
    assert again.done(["https://a.example/1", "https://a.example/3", "https://a.example/2"]) == {
        "https://a.example/1",
        "https://a.example/2",
    }
    assert again.validators("https://a.example/feed") == ('"v1"', "Tue, 12 Mar 2024 09:30:00 GMT")
    assert again.validators("https://a.example/other") == (None, None)
    again.close()


FEED = {"url": "https://a.example/feed", "title": "The feed's title", "published_at": "2024-03-13T06:15:00Z",
        "authors": ["Alex Rivers"]}  # fmt: skip


def test_the_feeds_title_date_and_authors_fill_what_the_page_lacks():
    cleaned = normalize_article(ArticlePublished.from_dict({"body": bare_page(), "feed": FEED}))
    assert cleaned.title == "The feed's title" and cleaned.published_at == "2024-03-13T06:15:00Z"
    assert cleaned.authors == ("Alex Rivers",) and "said Maria Lopez" in cleaned.text
    assert cleaned.extra["feed"] == FEED  # kept, as every unknown field is


def test_the_pages_own_title_date_and_authors_win_over_the_feeds():
    cleaned = normalize_article(ArticlePublished.from_dict({"body": page("en_floods.html"), "feed": FEED}))
    assert cleaned.title == "Floods force hundreds from their homes"
    assert cleaned.published_at == "2024-03-13" and cleaned.authors == ("Tom Baker",)


@pytest.mark.parametrize(
    "feed, says",
    [("a string", "'feed' is a str"), ({"title": 3}, "'feed.title' is a int"), ({"authors": "Ann"}, "feed.authors")],
)
def test_a_malformed_feed_field_is_refused_with_the_reason(feed, says):
    with pytest.raises(InvalidEvent, match=says):
        normalize_article(ArticlePublished.from_dict({"body": page("en_floods.html"), "feed": feed}))
