"""The rollups equal a recount, on every backend: run against SQLite and PostgreSQL.

Not a test module itself: `test_store_rollups.py` (a SQLite file) and
`tests/integration/test_store_rollups_postgres.py` (a real PostgreSQL server, a database per test)
subclass `RollupsContract` and provide the fixture `store_url`: the URL of an empty database.

"Recount" is newsflow.store.rollups.recount (Python, from every stored fact) and rebuild (SQL, as
migration 0004 and bulk loads fill them); the writer keeps the tables by differences per batch.
"""

from __future__ import annotations

import copy
import itertools
import random
import threading
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import inspect, select, text

from newsflow.store import rollups, schema
from newsflow.store.bulkload import load_engine
from newsflow.store.engine import make_engine
from newsflow.store.migrate import alembic_config, current_revision, head_revision, upgrade_engine
from newsflow.store.params import Window, fts5_query, search_terms
from newsflow.store.queries import open_reader
from newsflow.store.rows import actor_id, article_rows
from newsflow.store.speaker_counts import outlet_counts, quotes_per_day, span, top_actors
from newsflow.store.synthetic import NewsGenerator, Shape, outlet_name
from newsflow.store.writer import StoreWriter


def news(n: int, seed: int = 3, prefix: str = "r", years: float = 0.02) -> list[dict]:
    """`n` synthetic events over about a week (dense: many quotes per day and edge of a day)."""
    return list(NewsGenerator(Shape(n, years=years), seed=seed, prefix=prefix).events())


def in_batches(writer: StoreWriter, events: list[dict], sizes=(1, 7, 64, 200)) -> None:
    i, k = 0, 0
    while i < len(events):
        size = sizes[k % len(sizes)]
        writer.write_batch(events[i : i + size])
        i, k = i + size, k + 1


def check(engine) -> rollups.Counts:
    """Assert the tables equal the Python recount and the SQL rebuild; return them."""
    with engine.connect() as conn:
        kept = rollups.stored(conn)
        assert not kept.empty()
        recounted = rollups.recount(conn)
    for name in rollups.TABLE_OF:
        assert getattr(kept, name) == getattr(recounted, name), name
    with engine.begin() as conn:
        rollups.rebuild(conn)
        rebuilt = rollups.stored(conn)
        conn.rollback()
    for name in rollups.TABLE_OF:
        assert getattr(rebuilt, name) == getattr(kept, name), name
    return kept


def _said(words: str, speaker: str | None, label: str | None = "PERSON") -> dict:
    return {"text": words, "speaker": speaker, "speaker_label": label, "cue": "said", "kind": "direct"}


def _entity(name: str, label: str) -> dict:
    return {"name": name, "label": label, "count": 1, "mentions": [{"text": name, "start": 0, "end": 1}]}


def event(article_id, story, outlet, published, quotes, entities=()) -> dict:
    return {
        "schema_version": 3,
        "id": article_id,
        "title": article_id,
        "source": outlet,
        "published_at": published,
        "text": "text " + article_id,
        "entities": list(entities),
        "quotes": list(quotes),
        "dedup": {"status": "unique", "duplicate_of": None, "cluster_id": story},
    }


class RollupsContract:
    @pytest.fixture
    def engine(self, store_url):
        engine = make_engine(store_url)
        upgrade_engine(engine)
        yield engine
        engine.dispose()

    def test_what_a_quote_counts(self, engine):
        """Once per story on its first copy's day; per outlet on that outlet's first copy; co-mentions by
        stories, people, organisations and places only."""
        ada = [_entity("Ada Roe", "PERSON"), _entity("Port Vale", "GPE"), _entity("Monday", "DATE")]
        words = _said("the harbour will open", "Ada Roe")
        StoreWriter(engine).write_batch(
            [
                event("c2", "s1", "Wire", "2024-03-02T09:00:00Z", [words], ada),
                event("c1", "s1", "Daily", "2024-03-01T23:30:00Z", [words], ada),
                event("c3", "s1", "Daily", "2024-03-03T10:00:00Z", [words], ada),
                event("c4", "s2", None, "2024-03-03T11:00:00Z", [_said("no comment", "Ada Roe")], ada[:1]),
            ]
        )
        ada_id, vale = actor_id("PERSON", "Ada Roe"), actor_id("GPE", "Port Vale")
        kept = check(engine)
        assert kept.days == Counter({(ada_id, date(2024, 3, 1)): 1, (ada_id, date(2024, 3, 3)): 1})
        assert kept.outlet_days == Counter(
            {
                (ada_id, date(2024, 3, 1), "Daily"): 1,
                (ada_id, date(2024, 3, 2), "Wire"): 1,
                (ada_id, date(2024, 3, 3), ""): 1,
            }
        )
        assert kept.totals == Counter({(ada_id,): 2})
        assert kept.mentions == Counter({(ada_id, vale): 1})  # three copies: one story; no DATE

    def test_rollups_equal_a_recount_after_inserts(self, engine):
        in_batches(StoreWriter(engine), news(700))
        check(engine)

    def test_a_redelivery_changes_nothing(self, engine):
        events = news(400)
        writer = StoreWriter(engine)
        in_batches(writer, events)
        before = check(engine)
        again = [dict(e, trace={"quotes": {"ms": 9.9}}) for e in events]
        random.Random(1).shuffle(again)
        in_batches(writer, again, sizes=(64, 3))
        with engine.connect() as conn:
            assert rollups.stored(conn) == before

    def test_rollups_follow_updates(self, engine):
        """Changed articles: another speaker, an earlier time (a new first copy), another outlet, another
        story, no quotes, no date."""
        events = news(400, seed=5)
        writer = StoreWriter(engine)
        in_batches(writer, events)
        rng = random.Random(2)
        quoted = [e for e in events if any(q["speaker_label"] for q in e["quotes"])]
        changed = []
        for i, e in enumerate(rng.sample(quoted, 60)):
            e = copy.deepcopy(e)
            kind = i % 6
            if kind == 0:
                person = next((x["name"] for x in e["entities"] if x["label"] == "PERSON"), None)
                for q in e["quotes"]:
                    q["speaker"], q["speaker_label"] = (person, "PERSON") if person else (None, None)
            elif kind == 1:
                e["published_at"] = "2020-01-01T00:00:00Z"
            elif kind == 2:
                e["source"] = "Another Outlet"
            elif kind == 3:
                e["dedup"] = dict(e["dedup"], cluster_id=rng.choice(events)["dedup"]["cluster_id"])
            elif kind == 4:
                e["quotes"] = []
            else:
                e["published_at"] = None
            changed.append(e)
        in_batches(writer, changed, sizes=(5, 1, 30))
        check(engine)
        in_batches(writer, [copy.deepcopy(e) for e in rng.sample(events, 50)], sizes=(50,))  # changed back
        check(engine)

    def test_concurrent_writers_keep_the_rollups_exact(self, engine):
        """Two writers, each its own connection, write interleaved copies of the same stories."""
        events = news(500, seed=7)
        halves = [events[0::2], events[1::2]]
        errors: list[BaseException] = []

        def run(part: list[dict]) -> None:
            try:
                in_batches(StoreWriter(engine), part, sizes=(16, 5))
            except BaseException as err:  # noqa: BLE001 - reported below
                errors.append(err)

        threads = [threading.Thread(target=run, args=(p,)) for p in halves]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == [], errors
        check(engine)

    def test_a_bulk_load_fills_the_rollups_the_writer_counts(self, engine):
        """The bulk load (indexes and rollups built after the rows) gives the counts of the writer's own
        rule over the same rows, and a recount."""
        arrivals = list(NewsGenerator(Shape(300, years=0.02), seed=11, prefix="b").arrivals())
        report = load_engine(engine, iter(arrivals + arrivals[:5]), chunk_size=64)
        assert (report.articles, report.repeated) == (300, 5)
        kept = check(engine)
        quotes, mentions = rollups.facts_of_rows(article_rows(e, t) for t, e in arrivals)
        assert kept == rollups.counts(quotes, mentions)
        with engine.connect() as conn:
            copies = dict(conn.execute(text("SELECT id, copies FROM stories")).all())
        assert sum(copies.values()) == 300 and len(copies) == len({e["dedup"]["cluster_id"] for _, e in arrivals})

    def test_the_migration_brings_an_existing_stores_rollups_up_to_date(self, store_url):
        """A store at revision 3 (no time or outlet on its rows, no rollups) with articles in it: upgrading
        fills the new columns from the articles and the rollups from the quotes."""
        engine = make_engine(store_url)
        try:
            assert upgrade_engine(engine, "0003") == "0003"
            arrivals = list(NewsGenerator(Shape(250, years=0.02), seed=17, prefix="m").arrivals())
            batch = [article_rows(e, t) for t, e in arrivals]
            stories = {r.article["story_id"]: r.story for r in batch}
            with engine.begin() as conn:
                old = {t: set(_columns(conn, t)) for t in ("quotes", "article_entities")}
                assert "article_time" not in old["quotes"]
                conn.execute(schema.stories.insert(), list(stories.values()))
                conn.execute(schema.articles.insert(), [r.article for r in batch])
                actors = {x["id"]: x for r in batch for x in r.actors}
                conn.execute(schema.actors.insert(), list(actors.values()))
                for name, table in (("quotes", schema.quotes), ("article_entities", schema.article_entities)):
                    rows = [
                        {k: v for k, v in x.items() if k in old[name]}
                        for r in batch
                        for x in getattr(r, name if name == "quotes" else "entities")
                    ]
                    conn.execute(table.insert(), rows)
            upgrade_engine(engine)
            kept = check(engine)
            quotes, mentions = rollups.facts_of_rows(batch)
            assert kept == rollups.counts(quotes, mentions)
            with engine.connect() as conn:
                time_of = {
                    r.id: (r.published_at or r.stored_at, r.source) for r in conn.execute(select(schema.articles))
                }
                for table in (schema.quotes, schema.article_entities):
                    got = conn.execute(select(table.c.article_id, table.c.article_time, table.c.outlet)).all()
                    assert got and all((t, o) == time_of[a] for a, t, o in got)
        finally:
            engine.dispose()

    def test_revision_4_goes_down_to_3_and_up_again_with_its_rollups(self, engine):
        in_batches(StoreWriter(engine), news(120, seed=19))
        before = check(engine)
        with engine.begin() as conn:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0003")
        assert current_revision(engine) == "0003"
        assert upgrade_engine(engine) == head_revision()
        with engine.connect() as conn:
            assert rollups.stored(conn) == before

    def test_words_newest_first_equal_a_sort_of_every_match(self, engine, store_url, monkeypatch):
        """Full-text lists (PostgreSQL: read by periods of days, weeks, months, years) in the order of all
        matches sorted by time; on PostgreSQL also with every word read by periods (none rare) and with
        periods chosen regardless of the rate: an answer is exact whatever the periods read."""
        from newsflow.store import queries

        in_batches(StoreWriter(engine), news(600, seed=23, years=2.5))  # three calendar years
        reader = open_reader(store_url)
        try:
            self._words_match_a_sort(engine, reader)
            for lexeme in ("t|d20230105", "t|m202301", "'t|m202301'"):  # the time lexemes are no words to search
                assert reader.quotes_by_text(lexeme)["quotes"] == []
            if engine.dialect.name != "postgresql":
                return
            monkeypatch.setattr(queries, "RARE_MATCHES", 0)  # no word is read whole
            self._words_match_a_sort(engine, reader)
            for levels in ("w", "y", "dwmy", "mdyw"):  # each read's period from this cycle
                chosen = itertools.cycle(levels)
                monkeypatch.setattr(queries, "_next_level", lambda *_, chosen=chosen: next(chosen))
                self._words_match_a_sort(engine, reader)
        finally:
            reader.engine.dispose()

    @staticmethod
    def _words_match_a_sort(engine, reader) -> None:
        for words, win, limit in [
            ("quarter", Window(), 5),
            ("quarter", Window(), 400),
            ("budget", Window(), 20),
            ("council or bank", Window(), 50),
            ("harbour -summer", Window(), 50),
            ("factory", Window(), 200),  # fewer than asked: every period is read
            ("rates", Window(datetime(2023, 2, 1), datetime(2023, 3, 15, 12)), 10),
            ("rates", Window(outlet=outlet_name(0)), 10),
        ]:
            with engine.connect() as conn:
                if engine.dialect.name == "postgresql":
                    sql = "SELECT article_time, id, story_id, quote_key, outlet FROM quotes WHERE text_tsv @@ websearch_to_tsquery('english', :w)"
                    rows = conn.execute(text(sql), {"w": words}).all()
                else:
                    sql = (
                        "SELECT article_time, id, story_id, quote_key, outlet FROM quotes WHERE rowid IN "
                        "(SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH :w)"
                    )
                    rows = conn.execute(text(sql), {"w": fts5_query(search_terms(words))}).all()
            lo, hi = win.since or datetime.min, win.until or datetime.max
            ordered = sorted(
                (r for r in rows if lo <= as_time(r[0]) < hi and win.outlet in (None, r[4])),
                key=lambda r: (as_time(r[0]), r[1]),
                reverse=True,
            )
            groups = list(dict.fromkeys((r[2], r[3]) for r in ordered))
            answer = reader.quotes_by_text(words, win=win, limit=limit)
            got = [(q["story_id"], rollups_key(q)) for q in answer["quotes"]]
            assert got and got == groups[:limit], (words, win)
            assert answer["more"] == (len(groups) > limit), (words, win)

    def test_window_counts_equal_a_count_over_the_facts(self, engine):
        """top_actors, outlet_counts and quotes_per_day with whole days, partial days and outlets."""
        in_batches(StoreWriter(engine), news(500, seed=13))
        with engine.connect() as conn:
            facts, _ = rollups.read_facts(
                conn, [r[0] for r in conn.execute(text("SELECT DISTINCT story_id FROM quotes"))]
            )
            first, first_in = rollups.firsts(facts)
            times = sorted(first.values())
            rng = random.Random(4)
            outlets = sorted({o for (_, _, _, o) in first_in} - {""})
            wins = [Window()]
            for _ in range(12):
                a, b = sorted(rng.sample(times, 2))
                a -= timedelta(minutes=rng.randrange(600))
                wins.append(Window(a, b + timedelta(seconds=1)))
                wins.append(Window(datetime(a.year, a.month, a.day), None))
                wins.append(Window(None, datetime(b.year, b.month, b.day) + timedelta(days=1), rng.choice(outlets)))
            wins.append(Window(times[0], times[0] + timedelta(hours=3)))  # one partial day
            for win in wins:
                lo, hi = win.since or datetime.min, win.until or datetime.max
                want: Counter = Counter()
                per_outlet: Counter = Counter()
                for (a, _, _, o), t in first_in.items():
                    if lo <= t < hi and (win.outlet is None or o == win.outlet):
                        per_outlet[(a, o or None)] += 1
                        if win.outlet is not None:
                            want[a] += 1
                if win.outlet is None:
                    want.update(a for (a, _, _), t in first.items() if lo <= t < hi)
                expect = sorted(want.items(), key=lambda av: (-av[1], av[0]))[:10]
                assert top_actors(conn, win, 10) == expect, (win, span(win))
                ids = [a for a, _ in expect]
                got = {(a, c["outlet"]): c["quotes"] for a, cs in outlet_counts(conn, ids, win).items() for c in cs}
                assert got == {k: v for k, v in per_outlet.items() if k[0] in ids}, win
                if ids:
                    days = Counter(
                        t.date()
                        for (a, _, _, o), t in (
                            first_in.items() if win.outlet else ((k + ("",), t) for k, t in first.items())
                        )
                        if a == ids[0] and lo <= t < hi and (win.outlet is None or o == win.outlet)
                    )
                    assert quotes_per_day(conn, ids[0], win) == days, win


def as_time(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def rollups_key(quote: dict) -> str:
    from newsflow.store.rows import quote_key

    return quote_key(quote["text"])


def _columns(conn, table: str) -> list[str]:
    return [c["name"] for c in inspect(conn).get_columns(table)]
