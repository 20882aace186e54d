"""The crawler against a real HTTP server on loopback (tests/crawl_site.py): polite, restartable, and every bad
source skipped with its reason in a log line and a metric while the crawl goes on."""

from __future__ import annotations

import asyncio
import logging

import pytest
from crawl_site import NewsSite

from newsflow.crawl.crawler import Crawler
from newsflow.crawl.fetch import Politeness
from newsflow.crawl.report import CrawlReport
from newsflow.crawl.state import FileState

pytestmark = pytest.mark.integration

UA = "newsflow-test-crawler/1.0 (+https://crawler.example/about)"


@pytest.fixture
def site():
    with NewsSite() as s:
        yield s


class Run:
    """A crawler over one state folder; `pass_(urls)` runs one pass and returns what it emitted."""

    def __init__(self, tmp_path, user_agent: str = UA, retries: int = 2) -> None:
        self.polite = Politeness(user_agent=user_agent, delay_s=0.0, host_concurrency=2, timeout_s=10.0,
                                 retries=retries, backoff_s=0.01, max_bytes=10_485_760)  # fmt: skip
        self.state = FileState(tmp_path / "state")
        self.report = CrawlReport()
        self.emitted: list[dict] = []

    def pass_(self, *urls: str):
        crawler = Crawler(self.polite, self.state, self.emitted.append, self.report, concurrency=8)
        before = len(self.emitted)
        result = asyncio.run(crawler.run_pass(list(urls)))
        return self.emitted[before:], result

    def skipped(self, what: str, label: str) -> float:
        return self.report.value("newsflow_crawl_skipped_total", what=what, reason=label)


def skip_lines(caplog) -> dict[str, tuple[str, str]]:
    """url -> (label, reason) of the 'skipped' log records."""
    return {r.url: (r.label, r.reason) for r in caplog.records if r.getMessage() == "skipped"}


def test_each_allowed_article_once_with_its_feed_metadata_none_disallowed_and_nothing_the_second_time(
    site, tmp_path, caplog
):
    caplog.set_level(logging.WARNING, "newsflow.crawl")
    run = Run(tmp_path)
    sources = [site.url("/feed.rss"), site.url("/atom.xml"), site.url("/sitemap_index.xml")]
    first, result = run.pass_(*sources)
    urls = sorted(a["url"] for a in first)
    assert urls == sorted(
        site.url(p)
        for p in ("/news/en_minister", "/news/en_floods", "/news/de_energie", "/news/bare", "/news/es_lluvias",
                  "/news/fr_koursk")
    )  # fmt: skip
    assert result.failed_sources == []
    assert not any(p.startswith("/private/") for p in site.requests.paths())  # robots.txt: never fetched
    assert skip_lines(caplog)[site.url("/private/fr_koursk")] == ("robots", "disallowed by robots.txt")
    assert site.requests.count("/robots.txt") == 1
    assert all(h.get("User-Agent") == UA for _, h in site.requests.seen)
    assert site.requests.most_in_flight <= 2  # the per-host bound
    by_url = {a["url"]: a for a in first}
    minister = by_url[site.url("/news/en_minister")]  # listed twice (the second with tracking): emitted once
    assert minister["feed"] == {
        "url": site.url("/feed.rss"),
        "title": "Minister denies wrongdoing (feed)",
        "published_at": "2024-03-14T08:00:00Z",
        "authors": ["Feed Desk"],
    }
    assert by_url[site.url("/news/es_lluvias")]["feed"]["title"] == "Lluvias en el sur"  # a news sitemap's title
    assert "said Maria Lopez" in by_url[site.url("/news/bare")]["body"]

    requests_before = len(site.requests.seen)
    second, _ = run.pass_(*sources)
    assert second == []
    asked = dict(site.requests.seen[requests_before:])
    for path in ("/feed.rss", "/atom.xml", "/sitemap-news.xml", "/sitemap-more.xml"):
        assert "If-None-Match" in asked[path], path  # conditional GETs, answered 304
    assert "If-None-Match" not in asked["/sitemap_index.xml"]
    # the feeds and both sitemaps answer 304; the index is read whole (its sitemaps change on their own)
    assert run.report.value("newsflow_crawl_sources_read_total", outcome="not_modified") == 4
    assert not any(p.startswith("/news/") for p in site.requests.paths()[requests_before:])

    site.extra_feed_items.append(("/news/es_lluvias?ref=feed2", "Again", "Thu, 14 Mar 2024 09:00:00 GMT", "Desk"))
    site.extra_feed_items.append(("/go/floods", "Floods again", "Thu, 14 Mar 2024 09:00:00 GMT", "Desk"))
    third, _ = run.pass_(site.url("/feed.rss"))
    assert third == []  # the feed changed, but every link in it was done before (or redirects to one that was)


def test_a_redirected_link_is_emitted_at_its_final_url_with_the_link_kept(site, tmp_path):
    emitted, _ = Run(tmp_path).pass_(site.url("/feed.rss"))
    floods = next(a for a in emitted if a["url"].endswith("/news/en_floods"))
    assert floods["link"] == site.url("/go/floods") and floods["feed"]["title"] == "Floods, via a redirect"


def test_bad_sources_are_skipped_with_their_reason_and_metric_and_the_crawl_goes_on(site, tmp_path, caplog):
    caplog.set_level(logging.WARNING, "newsflow.crawl")
    run = Run(tmp_path, retries=2)
    unreachable = "http://127.0.0.1:9/feed.xml"  # nothing listens on the discard port
    emitted, result = run.pass_(
        unreachable,
        site.url("/missing.xml"),
        site.url("/broken.xml"),
        site.url("/page-as-feed"),
        site.url("/loop-a.xml"),
        site.url("/bad-links.rss"),
    )
    lines = skip_lines(caplog)
    assert lines[unreachable][0] == "unreachable" and lines[unreachable][1].startswith("unreachable:")
    assert lines[site.url("/missing.xml")] == ("http_404", "HTTP 404")
    assert lines[site.url("/broken.xml")] == ("http_500", "HTTP 500")
    assert site.requests.count("/broken.xml") == 3  # tried, then retried twice with backoff
    assert lines[site.url("/page-as-feed")] == ("not_a_source", "neither a feed nor a sitemap (text/html)")
    assert lines[site.url("/loop-a.xml")][0] == "loop" and site.requests.count("/loop-a.xml") == 1
    assert lines[site.url("/huge")] == ("too_large", "52428800 bytes, over the limit of 10485760")
    assert lines[site.url("/huge-chunked")] == ("too_large", "over the limit of 10485760 bytes (stopped reading)")
    assert lines[site.url("/media/photo")] == ("not_html", "not HTML (image/png)")
    assert lines[site.url("/files/report.pdf")] == ("not_html", "not an HTML link (its file extension)")
    assert "/files/report.pdf" not in site.requests.paths()
    assert lines[site.url("/news/gone")] == ("http_404", "HTTP 404")
    assert sorted(result.failed_sources) == sorted(
        [unreachable, site.url("/missing.xml"), site.url("/broken.xml"), site.url("/page-as-feed")]
    )
    for what, label, n in [
        ("source", "unreachable", 1),
        ("source", "http_404", 1),
        ("source", "http_500", 1),
        ("source", "not_a_source", 1),
        ("source", "loop", 1),
        ("page", "too_large", 2),
        ("page", "not_html", 2),
        ("page", "http_404", 1),
    ]:
        assert run.skipped(what, label) == n, (what, label)
    # and the crawl went on: the page that answered 503 once was retried and emitted, the sitemap behind the loop read
    assert sorted(a["url"] for a in emitted) == [site.url("/news/es_lluvias"), site.url("/news/flaky")]
    assert run.report.value("newsflow_crawl_retries_total") >= 1
    assert run.report.value("newsflow_crawl_articles_emitted_total") == 2


def test_a_page_that_may_yet_come_keeps_its_feed_unremembered_so_the_next_pass_asks_again(site, tmp_path):
    site.flaky_left = 10  # /news/flaky answers 503 more often than the crawler retries
    run = Run(tmp_path, retries=1)
    emitted, _ = run.pass_(site.url("/bad-links.rss"))
    assert emitted == []
    assert run.state.validators(site.url("/bad-links.rss")) == (None, None)
    site.flaky_left = 0
    emitted, _ = run.pass_(site.url("/bad-links.rss"))
    assert [a["url"] for a in emitted] == [site.url("/news/flaky")]  # the refused-for-good links are not asked again
    assert site.requests.count("/huge") == 1 and site.requests.count("/media/photo") == 1


def test_a_user_agent_that_robots_txt_shuts_out_fetches_no_page(site, tmp_path, caplog):
    caplog.set_level(logging.WARNING, "newsflow.crawl")
    emitted, result = Run(tmp_path, user_agent="badbot/2.0").pass_(site.url("/feed.rss"))
    assert emitted == [] and result.failed_sources == [site.url("/feed.rss")]
    assert site.requests.paths() == ["/robots.txt"]
    assert skip_lines(caplog)[site.url("/feed.rss")][0] == "robots"
