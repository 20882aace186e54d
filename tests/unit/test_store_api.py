"""The store's HTTP API and search pages on a SQLite store: answers, 400s with reasons, 404s, the token (401)."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import orjson
import pytest
from aiohttp.test_utils import TestClient, TestServer
from data.store_events import store_events

from newsflow.store.engine import make_engine
from newsflow.store.migrate import upgrade_engine
from newsflow.store.writer import StoreWriter
from newsflow.web.app import build_api_app
from shared.core.settings import Settings

TOKEN = "s3cret-token-for-tests"


@pytest.fixture
def store_path(tmp_path):
    path = tmp_path / "store.db"
    engine = make_engine(str(path))
    upgrade_engine(engine)
    StoreWriter(engine).write_batch(store_events())
    engine.dispose()
    return str(path)


def call(settings: Settings, requests: list[tuple[str, str, dict]]) -> list[tuple[int, bytes, object]]:
    """Send (method, path, kwargs) requests to the app of `newsflow serve`; (status, body, response) each."""

    async def go():
        out = []
        async with TestClient(TestServer(build_api_app(settings))) as client:
            for method, path, kwargs in requests:
                resp = await client.request(method, path, allow_redirects=False, **kwargs)
                out.append((resp.status, await resp.read(), resp))
        return out

    return asyncio.run(go())


def get(settings: Settings, *paths: str, **kwargs) -> list[tuple[int, bytes]]:
    return [(s, b) for s, b, _ in call(settings, [("GET", p, kwargs) for p in paths])]


@pytest.fixture
def settings(store_path):
    return Settings(store_url=store_path)


def test_the_four_routes_answer_json(settings):
    ((quotes, speakers, story),) = [
        get(settings, "/api/quotes?speaker=maria%20okafor", "/api/speakers?top=5", "/api/stories/s-budget-copy1")
    ]
    assert quotes[0] == speakers[0] == story[0] == 200
    doc = orjson.loads(quotes[1])
    assert doc["quotes"][-1]["copies"] == 3 and doc["actors"][0]["name"] == "Maria Okafor"
    top = orjson.loads(speakers[1])["speakers"]
    assert top[0]["name"] == "Maria Okafor"
    [(status, body)] = get(settings, f"/api/speakers/{top[0]['id']}?bucket=week")
    assert status == 200 and orjson.loads(body)["over_time"][0] == {"start": "2024-03-04", "quotes": 1}
    assert [c["outlet"] for c in orjson.loads(story[1])["copies"]] == [
        "Daily Ledger",
        "Wire Service",
        "Evening Courier",
    ]
    [(status, body)] = get(
        settings, "/api/quotes?text=harbour&outlet=Evening%20Courier&since=2024-03-01&until=2024-03-31"
    )
    assert status == 200 and len(orjson.loads(body)["quotes"]) == 2


BAD_PARAMS = {
    "no selector": ("/api/quotes", "exactly one"),
    "two selectors": ("/api/quotes?speaker=a&text=b", "exactly one"),
    "empty text": ("/api/quotes?text=", "give some words"),
    "only quotes": ("/api/quotes?text=%22%22", "no word"),
    "only punctuation": ("/api/quotes?text=...%20!!", "no word"),
    "only exclusions": ("/api/quotes?text=-harbour", "no word"),
    "huge text": ("/api/quotes?text=" + "w" * 501, "longer than"),
    "empty speaker": ("/api/quotes?speaker=%20", "give a name"),
    "huge speaker": ("/api/quotes?speaker=" + "n" * 301, "longer than"),
    "NUL in speaker": ("/api/quotes?speaker=a%00b", "control character"),
    "NUL in text": ("/api/quotes?text=harb%00our", "control character"),
    "bad since": ("/api/quotes?speaker=a&since=yesterday", "since"),
    "impossible date": ("/api/quotes?speaker=a&since=2024-02-30", "since"),
    "since after until": ("/api/quotes?speaker=a&since=2024-03-05&until=2024-03-01", "not before"),
    "empty outlet": ("/api/quotes?speaker=a&outlet=%20", "outlet"),
    "negative limit": ("/api/quotes?speaker=a&limit=-1", "out of range"),
    "zero limit": ("/api/quotes?speaker=a&limit=0", "out of range"),
    "huge limit": ("/api/quotes?speaker=a&limit=1000000", "out of range"),
    "float limit": ("/api/quotes?speaker=a&limit=2.5", "whole number"),
    "unknown parameter": ("/api/quotes?speaker=a&spekaer=b", "unknown parameter"),
    "repeated parameter": ("/api/quotes?speaker=a&speaker=b", "more than once"),
    "negative top": ("/api/speakers?top=-3", "out of range"),
    "huge top": ("/api/speakers?top=99999999999999999999999", "out of range"),
    "text top": ("/api/speakers?top=ten", "whole number"),
    "unknown speakers parameter": ("/api/speakers?order=desc", "unknown parameter"),
    "bad bucket": ("/api/speakers/abc?bucket=month", "bucket"),
    "speaker page bad until": ("/api/speakers/abc?until=03/04/2024", "until"),
    "story parameter": ("/api/stories/s-budget?verbose=1", "unknown parameter"),
    "NUL in story id": ("/api/stories/s%00x", "control character"),
}


@pytest.mark.parametrize("name", list(BAD_PARAMS))
def test_malformed_parameters_get_400_with_the_reason(settings, name):
    path, reason = BAD_PARAMS[name]
    [(status, body)] = get(settings, path)
    assert status == 400, (name, status, body[:300])
    assert reason in orjson.loads(body)["error"]


def test_unknown_ids_get_404_and_search_syntax_gets_answers(settings):
    answers = get(
        settings,
        "/api/stories/no-such-article",
        "/api/speakers/0000000000000000",
        "/api/quotes?text=NEAR(harbour%20budget)%20OR%20%22x",
        "/api/quotes?text=%27);%20DROP%20TABLE%20quotes;--",
    )
    assert [s for s, _ in answers] == [404, 404, 200, 200]


def test_a_missing_store_gets_503_not_500(tmp_path):
    [(status, body)] = get(Settings(store_url=str(tmp_path / "none.db")), "/api/speakers")
    assert status == 503 and "no store" in orjson.loads(body)["error"]


def test_with_a_token_every_request_must_carry_it(settings):
    secured = replace(settings, api_token=TOKEN)
    paths = ["/api/quotes?speaker=okafor", "/api/speakers", "/api/speakers/x", "/api/stories/s-budget", "/search"]
    for headers in (
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Cookie": "newsflow_token=nope"},
    ):
        assert [s for s, _ in get(secured, *paths, headers=headers)] == [401] * len(paths), headers
    good = get(secured, *paths, headers={"Authorization": f"Bearer {TOKEN}"})
    assert [s for s, _ in good] == [200, 200, 404, 200, 200]
    assert get(secured, "/healthz") == [(200, b'{"alive":true}')]
    # a bad parameter with the right token is still a 400, not a 401
    assert get(secured, "/api/speakers?top=-1", headers={"Authorization": f"Bearer {TOKEN}"})[0][0] == 400


def test_a_browser_gets_the_token_form_and_a_cookie(settings):
    secured = replace(settings, api_token=TOKEN)
    wrong, right = call(
        secured,
        [
            ("POST", "/login", {"data": {"token": "nope", "next": "/search"}}),
            ("POST", "/login", {"data": {"token": TOKEN, "next": "//evil.example/x"}}),
        ],
    )
    assert wrong[0] == 401
    assert right[0] == 303 and right[2].headers["Location"] == "/search"
    cookie = right[2].cookies["newsflow_token"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    [(status, body)] = get(secured, "/search?mode=speaker&q=okafor", headers={"Cookie": f"newsflow_token={TOKEN}"})
    assert status == 200 and b"harbour budget" in body


def test_search_pages_render(settings):
    pages = get(
        settings,
        "/search",
        "/search?mode=text&q=harbour",
        "/search?mode=entity&q=Port%20Elmstead",
        "/search/stories/s-budget",
        "/search?mode=text&q=%22%22",
    )
    assert [s for s, _ in pages] == [200, 200, 200, 200, 400]
    assert b'class="speakers"' in pages[0][1]
    assert pages[1][1].count(b'<li class="quote"') == 2
    assert b"mention them" in pages[2][1]
    assert pages[3][1].count(b'<circle class="copy') == 3
    story = pages[3][1].decode()
    assert 'published first: <b id="first-published">Daily Ledger</b> at <time>2024-03-04 08:00</time>' in story
    assert 'arrived first: <b id="arrived-first">Daily Ledger</b>' in story
    assert story.count('class="arrived"') == 1 and '<span class="after">+1 h 15 min</span>' in story
    assert "duplicate" not in story  # the verdict is said as "arrived first", never as tags against the order
    assert b"no word to search for" in pages[4][1]


class Idle:
    """Stands in for the dashboard's follower and poller threads (no Kafka here)."""

    state = "following"
    error = None

    def start(self):
        pass

    def stop(self):
        pass


def test_the_dashboard_serves_the_api_and_the_search_page_behind_the_token(settings):
    from newsflow.web.dashboard.server import build_app

    async def go(secured: Settings, headers: dict) -> list[int]:
        app = build_app(secured, follower=Idle(), poller=Idle())
        async with TestClient(TestServer(app)) as client:
            paths = ["/api/quotes?text=harbour", "/search", "/", "/api/snapshot", "/healthz"]
            return [(await client.get(p, headers=headers, allow_redirects=False)).status for p in paths]

    assert asyncio.run(go(settings, {})) == [200, 200, 200, 200, 200]
    secured = replace(settings, api_token=TOKEN)
    assert asyncio.run(go(secured, {})) == [401, 401, 401, 401, 200]
    assert asyncio.run(go(secured, {"Authorization": f"Bearer {TOKEN}"})) == [200, 200, 200, 200, 200]


def test_the_compose_dashboard_sets_a_token():
    import yaml
    from conftest import REPO

    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    assert compose["services"]["dashboard"]["environment"]["NEWSFLOW_API_TOKEN"]


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (0, "first"),
        (42, "+42 s"),
        (60, "+1 min"),
        (4500, "+1 h 15 min"),
        (7200, "+2 h"),
        (2 * 86_400 + 3 * 3600, "+2 d 3 h"),
    ],
)
def test_how_long_after_the_first_copy_is_said(seconds, said):
    from newsflow.web.layout import after_text, who_published

    assert after_text(seconds) == said
    assert (
        who_published({"article_id": "x1", "outlet": None, "title": "Ferry strike"}) == "Ferry strike (no outlet given)"
    )
