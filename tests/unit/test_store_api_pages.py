"""The API's paging and export, and the search pages that use them, on a SQLite store (tests/data/store_events.py):
cursors through the API, CSV downloads, counts and next-page links, search words marked, the login page's
stylesheet public and nothing else, the live page's sink row."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from html import unescape
from urllib.parse import parse_qs, urlparse

import orjson
from test_store_api import TOKEN, call, get, settings, store_path  # noqa: F401 (fixtures)

from shared.core.settings import Settings


def test_quotes_page_through_the_api_by_cursor_with_a_count(settings):  # noqa: F811
    path = "/api/quotes?speaker=okafor&limit=1"
    seen, cursor = [], None
    while True:
        [(status, body)] = get(settings, path + (f"&cursor={cursor}" if cursor else ""))
        assert status == 200
        doc = orjson.loads(body)
        assert (doc["count"], doc["count_capped"]) == (3, False)
        seen += [q["text"] for q in doc["quotes"]]
        cursor = doc["next_cursor"]
        if cursor is None:
            break
    [(_, whole)] = get(settings, "/api/quotes?speaker=okafor")
    assert seen == [q["text"] for q in orjson.loads(whole)["quotes"]] and len(seen) == 3
    [(status, body)] = get(settings, "/api/speakers?top=1")
    top = orjson.loads(body)
    assert top["count"] == 2 and top["next_cursor"]
    [(_, body)] = get(settings, f"/api/speakers?top=1&cursor={top['next_cursor']}")
    assert [s["name"] for s in orjson.loads(body)["speakers"]] == ["Harbour Workers Union"]
    [(_, body)] = get(settings, "/api/stories/s-budget?limit=2")
    story = orjson.loads(body)
    assert story["count"] == 3 and len(story["copies"]) == 2
    [(_, body)] = get(settings, f"/api/stories/s-budget?limit=2&cursor={story['next_cursor']}")
    assert [c["article_id"] for c in orjson.loads(body)["copies"]] == ["s-budget-copy2"]


def test_a_bad_cursor_or_format_is_a_400_with_the_reason(settings):  # noqa: F811
    [(_, body)] = get(settings, "/api/quotes?speaker=okafor&limit=1")
    cursor = orjson.loads(body)["next_cursor"]
    asks = {
        "/api/quotes?speaker=okafor&cursor=xyz": "not a cursor",
        f"/api/quotes?speaker=harbour&cursor={cursor}": "another query",
        f"/api/speakers?cursor={cursor}": "another list",
        f"/api/quotes?speaker=okafor&cursor={cursor}&cursor={cursor}": "more than once",
        "/api/quotes?speaker=okafor&format=xlsx": "format",
        "/api/stories/s-budget?cursor=%00": "control character",
        "/api/stories/s-budget?limit=0": "out of range",
    }
    for path, reason in asks.items():
        [(status, body)] = get(settings, path)
        assert status == 400 and reason in orjson.loads(body)["error"], (path, body)


def test_csv_export_of_every_list(settings):  # noqa: F811
    [(_, body)] = get(settings, "/api/speakers")
    actor = orjson.loads(body)["speakers"][0]["id"]
    answers = call(
        settings,
        [
            ("GET", "/api/quotes?speaker=okafor&limit=1&format=csv", {}),
            ("GET", "/api/speakers?format=csv", {}),
            ("GET", f"/api/speakers/{actor}?format=csv", {}),
            ("GET", "/api/stories/s-budget?format=csv", {}),
            ("GET", "/api/quotes?text=harbour&format=json", {}),
        ],
    )
    for status, body, resp in answers[:4]:
        assert status == 200 and resp.headers["Content-Type"] == "text/csv; charset=utf-8"
        assert body.startswith("\ufeff".encode())  # a spreadsheet opened by double-click reads UTF-8
        assert re.fullmatch(r'attachment; filename="newsflow-[a-z0-9-]+\.csv"', resp.headers["Content-Disposition"])
    quotes, speakers, speaker, story = [list(csv.reader(io.StringIO(b.decode("utf-8-sig")))) for _, b, _ in answers[:4]]
    assert quotes[0][:4] == ["time", "speaker", "speaker_label", "text"] and len(quotes) == 2
    assert answers[0][2].headers["Content-Disposition"] == 'attachment; filename="newsflow-quotes-speaker-okafor.csv"'
    following = urlparse(re.fullmatch(r'<(.+)>; rel="next"', answers[0][2].headers["Link"]).group(1))
    assert parse_qs(following.query)["format"] == ["csv"] and parse_qs(following.query)["cursor"]
    assert [r[0] for r in speakers] == ["name", "Maria Okafor", "Harbour Workers Union"]
    assert len(speaker) == 4 and "maria-okafor" in answers[2][2].headers["Content-Disposition"]
    assert [r[-1] for r in story] == ["article_id", "s-budget", "s-budget-copy1", "s-budget-copy2"]
    status, body, resp = answers[4]
    assert status == 200 and resp.headers["Content-Type"].startswith("application/json")
    assert resp.headers["Content-Disposition"].endswith('.json"') and orjson.loads(body)["quotes"]


def test_search_pages_page_count_mark_words_and_link_their_exports(settings):  # noqa: F811
    [(status, body)] = get(settings, "/search?mode=speaker&q=okafor&limit=1")
    html = unescape(body.decode())
    assert status == 200 and 'id="result-count">3</b> quotes · showing 1–1' in html
    following = parse_qs(urlparse(re.search(r'class="next-page" rel="next" href="([^"]+)"', html).group(1)).query)
    assert following["limit"] == ["1"] and following["start"] == ["2"] and following["cursor"]
    [(status, body)] = get(settings, "/search?mode=text&q=balancing")
    html = body.decode()
    assert status == 200 and "<mark>balanced</mark>" in html and 'id="result-count">1</b> quote' in html
    exports = re.findall(r'class="export" data-format="(\w+)" href="([^"]+)"', html)
    assert [f for f, _ in exports] == ["csv", "json"]
    assert unescape(exports[0][1]) == "/api/quotes?text=balancing&limit=1000&format=csv"
    [(_, body)] = get(settings, "/search?mode=speaker&q=okafor&since=2024-03-01&outlet=Daily+Ledger")
    csv_link = urlparse(unescape(re.search(r'class="export" data-format="csv" href="([^"]+)"', body.decode()).group(1)))
    assert csv_link.path == "/api/quotes" and parse_qs(csv_link.query) == {
        "speaker": ["okafor"],
        "since": ["2024-03-01"],
        "outlet": ["Daily Ledger"],
        "limit": ["1000"],
        "format": ["csv"],
    }
    [(_, body)] = get(settings, "/search")
    assert 'id="result-count">2</b> speakers' in body.decode()


def test_the_search_page_walks_pages_by_its_next_link(settings, monkeypatch):  # noqa: F811
    from newsflow.web import pages

    monkeypatch.setattr(pages, "TOP_PER_PAGE", 1)
    [(_, body)] = get(settings, "/search")
    html = unescape(body.decode())
    assert "next page" in html and "first page" not in html and "showing 1–1" in html
    following = re.search(r'class="next-page" rel="next" href="([^"]+)"', html).group(1)
    [(status, body)] = get(settings, following)
    html = unescape(body.decode())
    assert status == 200 and "Harbour Workers Union" in html and "Maria Okafor" not in html
    assert "first page" in html and "next page" not in html and "showing 2–2" in html


def test_the_login_page_is_styled_and_only_its_static_files_are_public(settings):  # noqa: F811
    secured = replace(settings, api_token=TOKEN)
    answers = get(
        secured,
        "/search",
        "/search-static/search.css",
        "/search-static/../api/speakers",
        "/search-static/%2e%2e/api/speakers",
        "/search-static/nope.css",
        "/api/speakers",
        "/search/speakers/x",
    )
    statuses = [s for s, _ in answers]
    assert statuses[0] == 401 and b'href="/search-static/search.css"' in answers[0][1]
    assert statuses[1] == 200 and b"section.login" in answers[1][1]
    assert all(s in (401, 404) for s in statuses[2:5]), statuses  # no store data without the token
    assert b"speakers" not in answers[2][1] + answers[3][1]
    assert statuses[5:] == [401, 401]


def test_the_live_page_and_search_link_to_each_other(settings):  # noqa: F811
    import asyncio

    from aiohttp.test_utils import TestClient, TestServer
    from test_store_api import Idle

    from newsflow.web.dashboard.server import build_app, render_stats
    from newsflow.web.dashboard.stats import StageReading, StageSeries

    async def go() -> tuple[str, str]:
        app = build_app(settings, follower=Idle(), poller=Idle())
        async with TestClient(TestServer(app)) as client:
            return await (await client.get("/")).text(), await (await client.get("/search")).text()

    live, search = asyncio.run(go())
    assert 'class="to-search" href="/search"' in live
    assert 'class="nav-live" href="/"' in search
    [(_, alone)] = get(Settings(store_url=settings.store_url), "/search")  # `newsflow serve`: no live page
    assert b"nav-live" not in alone

    series = StageSeries()
    series.add(10.0, {"quotes": StageReading(4, 0, 4), "sink": StageReading(3, 1, 4)})
    series.add(12.0, {"quotes": StageReading(4, 0, 4), "sink": StageReading(4, 0, 4)})
    html = render_stats(series.snapshot(), 60, now=12.0)
    row = re.search(r'<tr data-stage="sink" class=sink>(.*?)</tr>', html).group(1)
    assert "sink → store" in row and re.findall(r"<td[^>]*>([^<]*)</td>", row) == ["4", "0.5", "0"]
    assert 'polyline class="series" data-series="sink"' in html or 'data-series="sink"' in html


def test_a_speakers_quotes_page_on_the_api_and_the_page(settings):  # noqa: F811
    [(_, body)] = get(settings, "/api/speakers?top=1")
    actor = orjson.loads(body)["speakers"][0]["id"]
    [(_, body)] = get(settings, f"/api/speakers/{actor}?limit=2")
    first = orjson.loads(body)
    assert (first["count"], len(first["quotes"]), first["quotes_total"]) == (3, 2, 3)
    [(_, body)] = get(settings, f"/api/speakers/{actor}?limit=2&cursor={first['next_cursor']}")
    second = orjson.loads(body)
    assert not {q["quote_id"] for q in second["quotes"]} & {q["quote_id"] for q in first["quotes"]}
    assert len(second["quotes"]) == 1 and second["next_cursor"] is None and second["over_time"] == first["over_time"]
    [(status, body)] = get(settings, f"/search/speakers/{actor}?limit=2")
    html = unescape(body.decode())
    following = re.search(r'class="next-page" rel="next" href="([^"]+)"', html).group(1)
    [(status, body)] = get(settings, following)
    assert status == 200 and body.decode().count('<li class="quote"') == 1 and "showing 3–3" in unescape(body.decode())
