"""The behaviour every store backend must have; run against SQLite and PostgreSQL.

Not a test module itself: `test_store_contract.py` (SQLite file) and
`tests/integration/test_store_postgres.py` (a real PostgreSQL server, a database per test)
subclass `StoreContract` and provide the fixture `store_url`: the URL of an empty database.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

import orjson
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from newsflow.store import schema
from newsflow.store.engine import make_engine
from newsflow.store.migrate import current_revision, head_revision, upgrade_engine
from newsflow.store.rows import actor_id, article_rows, quote_key
from newsflow.store.sink import store_batch, store_rows
from newsflow.store.writer import StoreWriter

TABLES = ("stories", "articles", "actors", "actor_aliases", "article_entities", "quotes")


def entity(name: str, label: str, *mentions: str) -> dict:
    texts = mentions or (name,)
    return {
        "name": name,
        "label": label,
        "count": len(texts),
        "mentions": [{"text": t, "start": 0, "end": 1} for t in texts],
    }


def quote(words: str, speaker: str | None, label: str | None = "PERSON", **v3) -> dict:
    return {
        "text": words,
        "speaker": speaker,
        "speaker_label": label,
        "cue": "said",
        "kind": "direct",
        "start": 0,
        "end": 1,
        **v3,
    }


def event(
    article_id: str,
    story: str | None = None,
    source: str = "Daily One",
    published_at: str | None = None,
    entities=(),
    quotes=(),
    version: int = 2,
) -> dict:
    """A small enriched event (schema v2 unless `version`)."""
    story = story or article_id
    return {
        "schema_version": version,
        "id": article_id,
        "title": f"title {article_id}",
        "url": f"https://www.{source.lower().replace(' ', '')}.example/{article_id}",
        "source": source,
        "published_at": published_at,
        "language": "en",
        "authors": ["A. Writer"],
        "body": "body",
        "text": "text of " + article_id + " " + " ".join(q["text"] for q in quotes),
        "entities": list(entities),
        "quotes": list(quotes),
        "dedup": {
            "status": "unique" if story == article_id else "duplicate",
            "duplicate_of": None if story == article_id else story,
            "similarity": 1.0,
            "cluster_id": story,
        },
        "trace": {"quotes": {"ms": 1.0}},
    }


def snapshot(engine) -> dict:
    """Every row of every table, sorted: what 'changes nothing' compares."""
    out = {}
    with engine.connect() as conn:
        for name in TABLES:
            table = schema.metadata.tables[name]
            cols = list(table.columns)
            rows = conn.execute(select(*cols)).fetchall()
            out[name] = sorted(orjson.dumps([_plain(v) for v in r], default=str).decode() for r in rows)
    return out


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else value


class StoreContract:
    """Tests that take `store_url`; a subclass named Test* supplies it."""

    @pytest.fixture
    def store(self, store_url):
        engine = make_engine(store_url)
        upgrade_engine(engine)
        yield engine, StoreWriter(engine)
        engine.dispose()

    def test_upgrade_builds_the_newest_revision(self, store):
        engine, _ = store
        assert current_revision(engine) == head_revision()
        assert int(head_revision()) >= 2

    def test_migrated_indexes_are_those_the_schema_declares(self, store):
        engine, _ = store
        declared = {ix.name for t in schema.metadata.tables.values() for ix in t.indexes}
        catalog = (
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
            if engine.dialect.name == "postgresql"
            else "SELECT name FROM sqlite_master WHERE type = 'index'"
        )
        with engine.connect() as conn:
            built = {r[0] for r in conn.execute(text(catalog))}
        assert declared <= built, f"not built by the migrations: {declared - built}"

    def test_revision_1_store_with_v2_articles_upgrades_and_takes_v3_events(self, store_url):
        engine = make_engine(store_url)
        try:
            assert upgrade_engine(engine, "0001") == "0001"
            with engine.begin() as conn:
                cols = set(_columns(conn, "quotes"))
                assert "rule" not in cols
                row = article_rows(event("old", quotes=[quote("an old quote", "Ann Old")]), datetime(2024, 1, 1))
                conn.execute(schema.stories.insert(), [row.story])
                conn.execute(schema.articles.insert(), [row.article])
                conn.execute(schema.quotes.insert(), [{k: v for k, v in q.items() if k in cols} for q in row.quotes])
            assert upgrade_engine(engine) == head_revision()
            v3 = quote("a new quote", "Bea New", speaker_start=3, speaker_end=10, rule="said_after", confidence=0.9)
            StoreWriter(engine).write_batch([event("new", quotes=[v3], version=3)])
            with engine.connect() as conn:
                got = dict(conn.execute(text("SELECT id, rule FROM quotes")).fetchall())
                assert got == {"old:0": None, "new:0": "said_after"}
                conf = conn.execute(text("SELECT confidence, speaker_start FROM quotes WHERE id = 'new:0'")).one()
                assert tuple(conf) == (pytest.approx(0.9), 3)
        finally:
            engine.dispose()

    def test_redelivered_batch_changes_nothing(self, store):
        engine, writer = store
        batch = [
            event(
                "a1",
                entities=[entity("Jane Roe", "PERSON", "Jane Roe", "Roe")],
                quotes=[quote("we will win", "Jane Roe")],
            ),
            event("a2", story="a1", source="Other Paper", quotes=[quote("We will WIN!", "Jane Roe")]),
        ]
        assert writer.write_batch(batch).written == 2
        before = snapshot(engine)
        again = [dict(e, trace={"quotes": {"ms": 9.9}}) for e in batch]  # re-processed upstream: other timings
        result = writer.write_batch(again + batch[:1])
        assert (result.written, result.unchanged) == (0, 2)
        assert snapshot(engine) == before

    def test_changed_article_replaces_its_rows(self, store):
        engine, writer = store
        writer.write_batch([event("a1", quotes=[quote("one", "X Y"), quote("two", "X Y")])])
        writer.write_batch([event("a1", quotes=[quote("three", "X Y")])])
        with engine.connect() as conn:
            assert conn.execute(text("SELECT id, text FROM quotes")).fetchall() == [("a1:0", "three")]
            assert conn.execute(text("SELECT count(*) FROM articles")).scalar() == 1

    def test_story_counts_copies_and_names_the_first_by_time(self, store):
        engine, writer = store
        words = "the budget is a disgrace"
        writer.write_batch(
            [event("s1", source="Late Times", published_at="2024-03-02T10:00:00Z", quotes=[quote(words, "Sam Lee")])]
        )
        writer.write_batch(
            [
                event(
                    "s2",
                    story="s1",
                    source="Early Post",
                    published_at="2024-03-02T08:30:00+01:00",
                    quotes=[quote(words.upper() + "!", "Sam Lee")],
                ),
                event("s3", story="s1", source="Third Wire", published_at=None, quotes=[quote(words, "Sam Lee")]),
            ]
        )
        with engine.connect() as conn:
            story = conn.execute(select(schema.stories)).one()
            assert (story.id, story.copies, story.first_article_id, story.first_outlet) == ("s1", 3, "s2", "Early Post")
            assert story.first_published_at == datetime(2024, 3, 2, 7, 30)
            keys = conn.execute(text("SELECT DISTINCT story_id, quote_key FROM quotes")).fetchall()
            assert keys == [("s1", quote_key(words))]  # one quote, though it ran in three copies

    def test_one_actor_per_label_and_name_across_articles_with_aliases(self, store):
        engine, writer = store
        writer.write_batch(
            [
                event(
                    "p1",
                    entities=[entity("Jane Roe", "PERSON", "Jane Roe", "Roe"), entity("Acme", "ORG")],
                    quotes=[quote("first", "Jane Roe"), quote("by org", "Acme", "ORG")],
                ),
                event("p2", entities=[entity("Jane Roe", "PERSON", "Ms Roe")], quotes=[quote("second", "Jane Roe")]),
                event("p3", entities=[entity("Roe", "PERSON")], quotes=[quote("third", "Roe")]),
            ]
        )
        jane = actor_id("PERSON", "Jane Roe")
        with engine.connect() as conn:
            names = conn.execute(text("SELECT name, label FROM actors ORDER BY name")).fetchall()
            assert names == [("Acme", "ORG"), ("Jane Roe", "PERSON"), ("Roe", "PERSON")]
            aliases = {
                a for (a,) in conn.execute(text("SELECT alias FROM actor_aliases WHERE actor_id = :i"), {"i": jane})
            }
            assert aliases == {"Jane Roe", "Roe", "Ms Roe"}
            linked = dict(conn.execute(text("SELECT id, speaker_actor_id FROM quotes")).fetchall())
            assert linked["p1:0"] == linked["p2:0"] == jane
            assert linked["p1:1"] == actor_id("ORG", "Acme")
            assert linked["p3:0"] == actor_id("PERSON", "Roe") != jane  # a surname alone never joins across articles
            articles = conn.execute(
                text("SELECT count(*) FROM article_entities WHERE actor_id = :i"), {"i": jane}
            ).scalar()
            assert articles == 2

    def test_speaker_that_is_no_entity_has_no_actor(self, store):
        engine, writer = store
        writer.write_batch([event("n1", quotes=[quote("rain again", "a spokesman", None)])])
        with engine.connect() as conn:
            assert conn.execute(text("SELECT speaker, speaker_actor_id FROM quotes")).one() == ("a spokesman", None)

    def test_full_text_finds_a_quote_by_a_word_of_another_form(self, store):
        engine, writer = store
        writer.write_batch(
            [event("f1", quotes=[quote("the talks were winning friends", "A B"), quote("nothing here", "A B")])]
        )
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                sql = "SELECT id FROM quotes WHERE text_tsv @@ websearch_to_tsquery('english', :q)"
            else:
                sql = "SELECT id FROM quotes WHERE rowid IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH :q)"
            assert [r[0] for r in conn.execute(text(sql), {"q": "talk"})] == ["f1:0"]

    def test_a_failed_batch_leaves_nothing_and_the_bad_article_alone_is_refused(self, store):
        engine, writer = store
        good = article_rows(event("g1"), datetime(2024, 1, 1))
        bad = article_rows(event("b1"), datetime(2024, 1, 1))
        bad = dataclasses.replace(bad, article={**bad.article, "text": None})  # NOT NULL: the database refuses it
        with pytest.raises(IntegrityError):
            writer.write_rows([good, bad])
        assert snapshot(engine)["articles"] == []  # one transaction: nothing of the batch
        stored, dead = store_rows(writer, [("m-good", good), ("m-bad", bad)])
        assert stored == ["m-good"]
        assert [d.source for d in dead] == ["m-bad"]
        assert "b1" in dead[0].reason and "IntegrityError" in dead[0].reason

    def test_messages_that_are_no_storable_event_are_dead_with_the_reason(self, store):
        engine, writer = store
        inputs = [
            ("m1", orjson.dumps(event("ok1"))),
            ("m2", b"{not json"),
            ("m3", orjson.dumps({"id": "x"})),
            ("m4", orjson.dumps(event("future", version=99))),
            ("m5", None),
        ]
        result = store_batch(writer, inputs, max_bytes=1_000_000)
        assert [o.source for o in result.outputs] == ["m1"]
        reasons = {d.source: d.reason for d in result.dead}
        assert set(reasons) == {"m2", "m3", "m4", "m5"}
        assert "not JSON" in reasons["m2"] and "'text'" in reasons["m3"] and "schema_version 99" in reasons["m4"]
        with engine.connect() as conn:
            assert conn.execute(text("SELECT id FROM articles")).fetchall() == [("ok1",)]


def _columns(conn, table: str) -> list[str]:
    from sqlalchemy import inspect

    return [c["name"] for c in inspect(conn).get_columns(table)]
