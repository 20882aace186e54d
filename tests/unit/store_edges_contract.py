"""The edges of the store's questions, on every backend: what the store cannot hold is refused with the reason
(API 400, CLI one line on stderr and exit 2), the ends of what it can hold answer, and "nothing found" is an
empty answer with exit 0 in every query command.

Not a test module itself: `test_store_edges.py` (a SQLite file) and
`tests/integration/test_store_edges_postgres.py` (a real PostgreSQL server, a database per test) subclass
`EdgesContract` and provide the fixture `store_url`: the URL of an empty database.
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest
from aiohttp.test_utils import TestClient, TestServer
from data.store_events import BUDGET_ENTITIES, event, store_events

from newsflow.cli.main import main
from newsflow.store.engine import make_engine
from newsflow.store.migrate import upgrade_engine
from newsflow.store.writer import StoreWriter
from newsflow.web.app import build_api_app
from shared.core.settings import Settings

#: An article at the last day the store holds, so that charts and windows meet the end of the calendar.
LAST_DAY = event(
    "s-last-day",
    story="s-last-day",
    title="Harbour clock stops",
    source="Daily Ledger",
    published_at="9999-12-31T12:00:00Z",
    entities=[BUDGET_ENTITIES[0]],  # Maria Okafor
    quotes=[
        {
            "text": "The clock will run again",
            "speaker": "Maria Okafor",
            "speaker_label": "PERSON",
            "cue": "said",
            "kind": "direct",
            "start": 0,
            "end": 24,
        }
    ],
)

#: (path, words the reason holds): parameters outside what the store can hold.
OUT_OF_RANGE = {
    "year 0": ("/api/quotes?speaker=okafor&since=0000-12-31", "years 1 to 9999"),
    "year 10000": ("/api/quotes?speaker=okafor&until=10000-01-01", "years 1 to 9999"),
    "before year 1 in UTC": ("/api/quotes?speaker=okafor&since=0001-01-01T00:00:00%2B01:00", "years 1 to 9999"),
    "after 9999 in UTC": ("/api/speakers?until=9999-12-31T23:00:00-05:00", "years 1 to 9999"),
    "speaker page after 9999": ("/api/speakers/x?since=9999-12-31T22:00:00-04:00", "years 1 to 9999"),
    "limit above": ("/api/quotes?speaker=okafor&limit=1001", "out of range"),
    "limit of 5000 digits": ("/api/quotes?speaker=okafor&limit=" + "9" * 5000, "whole number"),
    "top above": ("/api/speakers?top=501", "out of range"),
    "speaker page limit": ("/api/speakers/x?limit=201", "out of range"),
    "id too long": ("/api/stories/" + "x" * 301, "not a valid id"),
    "speaker id too long": ("/api/quotes?speaker_id=" + "x" * 301, "not a valid id"),
}


def call(url: str, *paths: str) -> list[tuple[int, Any]]:
    """GET each path from the app of `newsflow serve` on the store at `url`: (status, JSON or text) each."""

    async def go():
        out = []
        async with TestClient(TestServer(build_api_app(Settings(store_url=url)))) as client:
            for path in paths:
                resp = await client.get(path)
                body = await resp.read()
                is_json = resp.content_type == "application/json"
                out.append((resp.status, orjson.loads(body) if is_json else body.decode()))
        return out

    return asyncio.run(go())


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """`newsflow ARGS` in this process: (exit status, stdout, stderr)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


class EdgesContract:
    @pytest.fixture
    def url(self, store_url):
        engine = make_engine(store_url)
        upgrade_engine(engine)
        StoreWriter(engine).write_batch([*store_events(), LAST_DAY])
        engine.dispose()
        return store_url

    # --- the API ------------------------------------------------------------------------------

    @pytest.mark.parametrize("name", list(OUT_OF_RANGE))
    def test_what_the_store_cannot_hold_gets_400_with_the_reason(self, url, name):
        path, reason = OUT_OF_RANGE[name]
        [(status, doc)] = call(url, path)
        assert status == 400, (name, status, doc)
        assert reason in doc["error"], doc

    def test_the_ends_of_the_calendar_answer_on_every_route_and_page(self, url):
        [(_, top)] = call(url, "/api/speakers")
        okafor = next(s["id"] for s in top["speakers"] if s["name"] == "Maria Okafor")
        ends = "since=0001-01-01&until=9999-12-31"
        answers = call(
            url,
            f"/api/quotes?speaker=okafor&{ends}",
            f"/api/speakers?{ends}",
            f"/api/speakers/{okafor}?{ends}",
            f"/api/speakers/{okafor}?bucket=week&{ends}",
            f"/search?mode=speaker&q=okafor&{ends}",
            f"/search/speakers/{okafor}?{ends}",
            "/api/stories/s-last-day",
        )
        assert [status for status, _ in answers] == [200] * 7, answers
        quotes, speakers, page, week = (doc for _, doc in answers[:4])
        assert quotes["quotes"][0]["text"] == "The clock will run again"  # the newest, at the last day
        assert len(quotes["quotes"]) == 4 and speakers["speakers"][0]["quotes"] == 4
        assert page["over_time"][-1] == {"start": "9999-12-31", "quotes": 1}
        assert week["over_time"][-1] == {"start": "9999-12-27", "quotes": 1}  # the Monday of that week
        assert "The clock will run again" in answers[4][1]

    # --- the CLI ------------------------------------------------------------------------------

    @pytest.mark.parametrize(
        ("args", "reason"),
        [
            (("quotes", "--speaker", "okafor", "--until", "10000-01-01"), "until: '10000-01-01'"),
            (("quotes", "--text", "harbour", "--since", "0001-01-01T00:00:00+01:00"), "years 1 to 9999"),
            (("speakers", "--top", "501"), "out of range"),
            (("quotes", "--speaker", "okafor", "--limit", "0"), "out of range"),
            (("speaker", "Okafor\udcff"), "not valid text"),  # a byte that is no UTF-8, as a shell passes it
            (("quotes", "--speaker", "a\x00b"), "control character"),
            (("story", "x" * 301), "longer than"),
        ],
    )
    def test_a_parameter_out_of_range_is_one_line_and_exit_2(self, url, capsys, args, reason):
        code, out, err = cli(capsys, "query", *args, "--store", url)
        assert code == 2 and out == ""
        assert err.count("\n") == 1 and err.startswith(f"newsflow query {args[0]}: ") and reason in err, err

    def test_the_ends_of_the_calendar_answer_in_the_cli(self, url, capsys):
        code, out, err = cli(capsys, "query", "quotes", "--speaker", "okafor", "--until", "9999-12-31", "--store", url)
        assert code == 0 and "The clock will run again" in out, err
        code, out, _ = cli(capsys, "query", "speaker", "Maria Okafor", "--since", "0001-01-01", "--store", url)
        assert code == 0 and "9999-12-31  1" in out

    @pytest.mark.parametrize(
        ("args", "says", "empty"),
        [
            (("quotes", "--speaker", "Nobody Here"), "no quotes found", {"quotes": [], "actors": []}),
            (("quotes", "--text", "zeppelin"), "no quotes found", {"quotes": []}),
            (("speakers", "--until", "1999-01-01"), "no quoted speakers", {"speakers": []}),
            (("speaker", "Nobody Here"), "no speaker named 'Nobody Here'", {"speaker": None, "quotes": []}),
            (("story", "no-such-article"), "no article 'no-such-article'", {"story_id": None, "copies": []}),
        ],
    )
    def test_nothing_found_is_an_empty_answer_and_exit_0_in_every_query(self, url, capsys, args, says, empty):
        code, out, err = cli(capsys, "query", *args, "--store", url)
        assert (code, err) == (0, "") and says in out
        code, out, err = cli(capsys, "query", *args, "--store", url, "--json")
        assert (code, err) == (0, "")
        doc = orjson.loads(out)
        assert {k: doc[k] for k in empty} == empty
