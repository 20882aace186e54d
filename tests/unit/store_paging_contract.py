"""Every list of the store pages by cursor, on every backend: run against SQLite and PostgreSQL.

Not a test module itself: `test_store_paging.py` (a SQLite file) and
`tests/integration/test_store_paging_postgres.py` (a real PostgreSQL server, a database per test)
subclass `PagingContract` and provide the fixture `store_url`: the URL of an empty database.

The store holds synthetic news (newsflow/store/synthetic.py: stories whose copies carry the same quotes
hours apart, so that one quote's rows fall on both sides of a page's end) and articles written here
that share one time to the microsecond (ties broken by the row id). Pages walked with small limits must
give the whole list (one page with a large limit) in its order, each quote once; and the whole list must
be the sort of the rows the list matches, done here in Python from the rows.
"""

from __future__ import annotations

import base64
import random
from collections import Counter
from datetime import datetime, timedelta

import orjson
import pytest
from sqlalchemy import text

from newsflow.store import paging, queries, speaker_counts
from newsflow.store.engine import make_engine
from newsflow.store.migrate import upgrade_engine
from newsflow.store.params import QueryError, Window
from newsflow.store.queries import open_reader
from newsflow.store.synthetic import NewsGenerator, Shape
from newsflow.store.writer import StoreWriter

TIE = "2024-05-06T10:00:00Z"  # every tie article's time: the order within it is the quote rows' ids


def _said(words: str, speaker: str) -> dict:
    return {"text": words, "speaker": speaker, "speaker_label": "PERSON", "cue": "said", "kind": "direct"}


def tie_events() -> list[dict]:
    """Nine articles of one outlet at one moment, two of them copies of one story, each quoting Ada Tiemann
    twice; and a story of 12 copies published at one time."""
    person = {"name": "Ada Tiemann", "label": "PERSON", "count": 1, "mentions": [{"text": "Ada Tiemann"}]}
    out = []
    for i in range(9):
        story = "tie-0" if i < 2 else f"tie-{i}"
        quotes = [_said(f"Tie point {story} first", "Ada Tiemann"), _said(f"Tie point {story} second", "Ada Tiemann")]
        out.append(_event(f"tie-{i}", story, "Tie Gazette", TIE, quotes, [person]))
    for i in range(12):
        outlet = f"Copy Outlet {i % 4}"
        out.append(_event(f"big-{i:02d}", "big-0", outlet, "2024-05-07T08:00:00Z", [_said("Big news", "Ada Tiemann")]))
    return out


def _event(article_id, story, outlet, published, quotes, entities=()) -> dict:
    return {
        "schema_version": 3,
        "id": article_id,
        "title": f"Title of {article_id}",
        "source": outlet,
        "published_at": published,
        "text": "text " + article_id,
        "entities": list(entities),
        "quotes": list(quotes),
        "dedup": {
            "status": "unique" if article_id in (story, "big-00") else "duplicate",
            "duplicate_of": None if article_id in (story, "big-00") else story,
            "cluster_id": story,
        },
    }


def walk(ask, limit: int, field: str = "quotes") -> tuple[list, list[dict]]:
    """Every item of a list by pages of `limit` (`ask(limit, cursor)`), and the pages' answers."""
    items, answers, cursor = [], [], None
    while True:
        answer = ask(limit, cursor)
        answers.append(answer)
        items += answer[field]
        cursor = answer["next_cursor"]
        assert (cursor is not None) == answer["more"]
        if cursor is None:
            return items, answers
        assert len(answers) < 500, "the pages do not end"


def quote_groups(items: list[dict]) -> list[tuple[str, str]]:
    return [(q["story_id"], q["quote_id"]) for q in items]


def as_time(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def newest_first(rows) -> list[tuple[str, str]]:
    """The (story, quote key) of rows (article_time, id, story_id, quote_key) by their newest row, newest first."""
    ordered = sorted(rows, key=lambda r: (as_time(r[0]), r[1]), reverse=True)
    return list(dict.fromkeys((r[2], r[3]) for r in ordered))


class PagingContract:
    @pytest.fixture
    def store(self, store_url):
        engine = make_engine(store_url)
        upgrade_engine(engine)
        writer = StoreWriter(engine)
        events = list(NewsGenerator(Shape(300, years=0.03), seed=7, prefix="p").events()) + tie_events()
        for i in range(0, len(events), 50):
            writer.write_batch(events[i : i + 50])
        reader = open_reader(store_url)
        yield engine, reader
        reader.engine.dispose()
        engine.dispose()

    def _rows(self, engine, sql: str, **params) -> list:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).all()

    def _keys(self, reader, answer) -> list[tuple[str, str]]:
        from newsflow.store.rows import quote_key

        return [(q["story_id"], quote_key(q["text"])) for q in answer["quotes"]]

    # --- quotes ------------------------------------------------------------------------------

    def test_quote_lists_page_through_to_the_whole_list_each_quote_once(self, store):
        engine, reader = store
        busy = next(s for s in reader.top_speakers(3)["speakers"] if s["name"] != "Ada Tiemann")
        entity = self._rows(
            engine, "SELECT actor_id FROM article_entities GROUP BY actor_id ORDER BY count(*) DESC, actor_id LIMIT 1"
        )[0][0]
        times = sorted(as_time(r[0]) for r in self._rows(engine, "SELECT article_time FROM quotes"))
        middle = Window(times[len(times) // 10], times[9 * len(times) // 10])
        asks = {
            "speaker name": lambda n, c: reader.quotes_by_speaker(busy["name"], limit=n, cursor=c),
            "speaker id": lambda n, c: reader.quotes_by_speaker(actor_id=busy["id"], limit=n, cursor=c),
            "speaker id, window": lambda n, c: reader.quotes_by_speaker(
                actor_id=busy["id"], win=middle, limit=n, cursor=c
            ),
            "ties": lambda n, c: reader.quotes_by_speaker("Ada Tiemann", limit=n, cursor=c),
            "entity": lambda n, c: reader.quotes_by_entity(actor_id=entity, limit=n, cursor=c),
            "entity, window": lambda n, c: reader.quotes_by_entity(actor_id=entity, win=middle, limit=n, cursor=c),
            "words": lambda n, c: reader.quotes_by_text("keep", limit=n, cursor=c),
            "words or": lambda n, c: reader.quotes_by_text("point or news or museum", limit=n, cursor=c),
            "words, window": lambda n, c: reader.quotes_by_text("prices", win=middle, limit=n, cursor=c),
        }
        for name, ask in asks.items():
            whole = ask(1000, None)
            assert not whole["more"] and whole["next_cursor"] is None, name
            assert whole["count"] == len(whole["quotes"]) and not whole["count_capped"], name
            for limit in (1, 7, 25):
                items, answers = walk(ask, limit)
                assert quote_groups(items) == quote_groups(whole["quotes"]), (name, limit)
                assert [a["count"] for a in answers] == [whole["count"]] * len(answers), (name, limit)
                assert all(len(a["quotes"]) == limit for a in answers[:-1]), (name, limit)
            assert len(whole["quotes"]) >= 3, name  # the walks crossed pages

        # the whole lists are the sort of the rows they match
        by_id = self._rows(
            engine,
            "SELECT article_time, id, story_id, quote_key FROM quotes WHERE speaker_actor_id = :a",
            a=busy["id"],
        )
        assert self._keys(reader, asks["speaker id"](1000, None)) == newest_first(by_id)
        windowed = [r for r in by_id if middle.since <= as_time(r[0]) < middle.until]
        assert self._keys(reader, asks["speaker id, window"](1000, None)) == newest_first(windowed)
        mentioned = self._rows(
            engine,
            "SELECT q.article_time, q.id, q.story_id, q.quote_key FROM quotes q "
            "JOIN article_entities e ON e.article_id = q.article_id WHERE e.actor_id = :a",
            a=entity,
        )
        assert self._keys(reader, asks["entity"](1000, None)) == newest_first(mentioned)
        ties = asks["ties"](1000, None)
        assert ties["count"] == 2 * 8 + 1  # the copy of tie-0 carries its two quotes again: counted once
        assert ties["quotes"][0]["text"] == "Big news" and ties["quotes"][0]["copies"] == 12

    def test_one_actors_count_over_all_time_is_the_rollups(self, store):
        engine, reader = store
        for speaker in reader.top_speakers(5)["speakers"]:
            page = reader.quotes_by_speaker(actor_id=speaker["id"], limit=2)
            assert (
                page["count"]
                == speaker["quotes"]
                == len(reader.quotes_by_speaker(actor_id=speaker["id"], limit=1000)["quotes"])
            )
            outlet = speaker["outlets"][0]
            in_outlet = reader.quotes_by_speaker(actor_id=speaker["id"], win=Window(outlet=outlet["outlet"]), limit=1)
            assert in_outlet["count"] == outlet["quotes"]

    def test_a_count_past_its_cap_says_so_on_every_page(self, store, monkeypatch):
        engine, reader = store
        monkeypatch.setattr(queries, "COUNT_CAP", 10)
        monkeypatch.setattr(speaker_counts, "COUNT_CAP", 10)
        whole = reader.quotes_by_text("keep", limit=1000)  # a page longer than the cap is counted whole
        assert (whole["count"], whole["count_capped"]) == (len(whole["quotes"]), False) and whole["count"] > 10
        items, answers = walk(lambda n, c: reader.quotes_by_text("keep", limit=n, cursor=c), 4)
        assert quote_groups(items) == quote_groups(whole["quotes"])  # the cap bounds the count, not the list
        assert {(a["count"], a["count_capped"]) for a in answers} == {(10, True)}
        speakers = reader.top_speakers(3)
        assert (speakers["count"], speakers["count_capped"]) == (10, True)
        # a count read from a few rows per index range is "at least" the quotes they hold; the pages are whole
        monkeypatch.setattr(queries, "COUNT_ROWS", 3)
        ask = lambda n, c: reader.quotes_by_speaker("Ada Tiemann", limit=n, cursor=c)  # noqa: E731
        whole = ask(1000, None)["quotes"]
        for limit in (1, 4):
            items, answers = walk(ask, limit)
            assert quote_groups(items) == quote_groups(whole)
            first = answers[0]
            assert first["count_capped"] and 1 <= first["count"] < len(whole), limit

    # --- speakers and stories ----------------------------------------------------------------

    def test_top_speakers_page_through_in_every_window(self, store):
        engine, reader = store
        times = sorted(as_time(r[0]) for r in self._rows(engine, "SELECT article_time FROM quotes"))
        rng = random.Random(5)
        wins = [Window(), Window(outlet="Tie Gazette")]
        for _ in range(4):
            a, b = sorted(rng.sample(times, 2))
            wins.append(Window(a - timedelta(minutes=rng.randrange(300)), b + timedelta(hours=rng.randrange(30))))
        wins.append(Window(datetime(times[0].year, times[0].month, times[0].day), None))
        outlets = Counter(r[0] for r in self._rows(engine, "SELECT outlet FROM quotes WHERE outlet IS NOT NULL"))
        wins.append(Window(None, times[len(times) // 2], outlets.most_common(1)[0][0]))
        for win in wins:
            whole = reader.top_speakers(500, win)
            ranked = [(s["id"], s["quotes"]) for s in whole["speakers"]]
            assert ranked == sorted(ranked, key=lambda r: (-r[1], r[0])), win
            assert whole["count"] == len(ranked) and not whole["more"], win
            for top in (1, 4):
                items, answers = walk(lambda n, c, w=win: reader.top_speakers(n, w, c), top, "speakers")
                assert [(s["id"], s["quotes"]) for s in items] == ranked, (win, top)
                assert {a["count"] for a in answers} == {whole["count"]}, (win, top)

    def test_a_storys_copies_page_in_the_order_they_were_published(self, store):
        engine, reader = store
        whole = reader.story("big-05", limit=1000)
        assert whole["count"] == 12 and len(whole["copies"]) == 12 and not whole["more"]
        items, answers = walk(lambda n, c: reader.story("big-05", limit=n, cursor=c), 5, "copies")
        assert [c["article_id"] for c in items] == [c["article_id"] for c in whole["copies"]]
        assert [c["article_id"] for c in items][:2] == ["big-00", "big-01"]  # one time: arrived first, then ids
        assert len(answers) == 3 and {a["count"] for a in answers} == {12}
        assert {a["first_published"]["article_id"] for a in answers} == {"big-00"}
        assert {a["arrived_first"]["article_id"] for a in answers} == {"big-00"}
        assert [q["text"] for q in answers[-1]["quotes"]] == ["Big news"]

    # --- cursors that are not ----------------------------------------------------------------

    def test_a_cursor_that_is_not_one_of_this_list_says_why(self, store):
        engine, reader = store
        first = reader.quotes_by_speaker("Ada Tiemann", limit=2)
        cursor = first["next_cursor"]
        assert reader.quotes_by_speaker("Ada Tiemann", limit=2, cursor=cursor)["quotes"]
        doc = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))

        def token(**change) -> str:
            return base64.urlsafe_b64encode(orjson.dumps({**doc, **change})).decode().rstrip("=")

        wrong = {
            "garbage": ("!!not a cursor", "not a cursor"),
            "not base64 json": ("bm90IGpzb24", "not a cursor"),
            "too long": ("A" * 2000, "too long"),
            "other query": (cursor, "another query"),
            "other list": (token(k="speakers"), "another list"),
            "a time with a zone": (token(a=["2024-05-06T10:00:00+02:00", "x"]), "damaged"),
            "a number for an id": (token(a=["2024-05-06T10:00:00", 5]), "damaged"),
            "a negative count": (token(n=-1), "damaged"),
            "another version": (token(v=99), "not a cursor"),
            "a hint that is none": (token(h="week"), "damaged"),
        }
        for name, (bad, reason) in wrong.items():
            name_asked = "Maria Okafor" if name == "other query" else "Ada Tiemann"
            with pytest.raises(QueryError, match=reason):
                reader.quotes_by_speaker(name_asked, limit=2, cursor=bad)
        with pytest.raises(QueryError, match="another list"):
            reader.top_speakers(2, cursor=cursor)
        with pytest.raises(QueryError, match="another query"):
            reader.quotes_by_speaker("Ada Tiemann", win=Window(outlet="Tie Gazette"), limit=2, cursor=cursor)
        with pytest.raises(QueryError, match="another query"):
            reader.story("big-00", cursor=reader.story("big-01", limit=2)["next_cursor"])
        assert paging.read_cursor(None, "quotes", {}) is None

    def test_mentioned_with_is_people_organisations_and_places_only(self, store):
        engine, reader = store
        labels = ["PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "DATE", "CARDINAL", "TIME", "MONEY"]
        entities = [
            {"name": f"Mention {label.title()}", "label": label, "count": 1, "mentions": [{"text": "x"}]}
            for label in labels
        ] + [{"name": "Rhea Mentioned", "label": "PERSON", "count": 1, "mentions": [{"text": "Rhea Mentioned"}]}]
        quotes = [_said("We will look at every mention", "Rhea Mentioned")]
        StoreWriter(engine).write_batch(
            [
                _event(f"men-{i}", f"men-{i}", "Mention Post", f"2024-06-0{i + 1}T09:00:00Z", quotes, entities)
                for i in range(2)
            ]
        )
        actor = reader.find_actors("Rhea Mentioned")[0]["id"]
        for win in (Window(), Window(since=datetime(2024, 6, 1)), Window(outlet="Mention Post")):
            page = reader.speaker(actor, win=win)
            assert {e["label"] for e in page["entities"]} == {"PERSON", "ORG", "GPE", "LOC", "FAC"}, win
            assert {e["stories"] for e in page["entities"]} == {2}, win
            assert "Rhea Mentioned" not in {e["name"] for e in page["entities"]}
