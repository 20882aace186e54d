"""What the store's query layer answers, on every backend: run against SQLite and PostgreSQL.

Not a test module itself: `test_store_queries.py` (a SQLite file) and
`tests/integration/test_store_queries_postgres.py` (a real PostgreSQL server, a database per test)
subclass `QueriesContract` and provide the fixture `store_url`: the URL of an empty database.
The store holds tests/data/store_events.py's events, written by the real writer.
"""

from __future__ import annotations

import pytest
from data.store_events import event, store_events
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from newsflow.store import schema
from newsflow.store.engine import make_engine
from newsflow.store.migrate import upgrade_engine
from newsflow.store.params import QueryError, window
from newsflow.store.queries import open_reader
from newsflow.store.writer import StoreWriter

BUDGET = "The harbour budget will be balanced by spring"
UNION = "We were never consulted about the harbour"
DREDGING = "Dredging will take the whole summer"


def texts(answer: dict) -> list[str]:
    return [q["text"] for q in answer["quotes"]]


class QueriesContract:
    @pytest.fixture
    def reader(self, store_url):
        engine = make_engine(store_url)
        upgrade_engine(engine)
        StoreWriter(engine).write_batch(store_events())
        engine.dispose()
        reader = open_reader(store_url)
        yield reader
        reader.engine.dispose()

    # --- quotes by speaker -------------------------------------------------------------------

    def test_a_quote_in_three_copies_counts_once_and_lists_them_in_the_order_they_ran(self, reader):
        answer = reader.quotes_by_speaker("Maria Okafor")
        assert texts(answer).count(BUDGET) == 1
        budget = next(q for q in answer["quotes"] if q["text"] == BUDGET)
        assert budget["copies"] == 3
        # stored out of order (copy 2 before copy 1); listed by publication time
        assert [r["article_id"] for r in budget["ran_in"]] == ["s-budget", "s-budget-copy1", "s-budget-copy2"]
        assert budget["outlets"] == ["Daily Ledger", "Evening Courier", "Wire Service"]
        assert (budget["article_id"], budget["outlet"], budget["time"]) == (
            "s-budget",
            "Daily Ledger",
            "2024-03-04T08:00:00",
        )
        assert budget["title"] == "Harbour budget to balance, minister says"
        assert budget["speaker_id"] == answer["actors"][0]["id"]

    def test_a_quote_says_which_rule_chose_its_speaker_and_how_sure(self, store_url, reader):
        v3 = event(
            "s-lanterns",
            story="s-lanterns",
            title="Lanterns over the harbour",
            source="Daily Ledger",
            published_at="2024-04-01T08:00:00Z",
            entities=[],
            quotes=[
                {
                    "text": "Lanterns go up at dusk",
                    "speaker": "Ida Vance",
                    "speaker_label": "PERSON",
                    "cue": "said",
                    "kind": "direct",
                    "start": 0,
                    "end": 22,
                    "speaker_start": 30,
                    "speaker_end": 39,
                    "rule": "syntax:speech_verb_subject+name",
                    "confidence": 0.87,
                }
            ],
        )
        engine = make_engine(store_url)
        StoreWriter(engine).write_batch([{**v3, "schema_version": 3}])
        engine.dispose()
        got = reader.quotes_by_speaker("Ida Vance")["quotes"][0]
        assert (got["rule"], got["confidence"]) == ("syntax:speech_verb_subject+name", pytest.approx(0.87))
        older = reader.quotes_by_speaker("Maria Okafor")["quotes"][0]  # schema v2: no rule was sent
        assert (older["rule"], older["confidence"]) == (None, None)

    def test_speaker_quotes_are_newest_first(self, reader):
        assert texts(reader.quotes_by_speaker("Maria Okafor"))[-1] == BUDGET
        assert len(reader.quotes_by_speaker("Maria Okafor")["quotes"]) == 3

    def test_a_speaker_is_found_by_alias_in_any_case_and_by_id(self, reader):
        by_alias = reader.quotes_by_speaker("OKAFOR")
        assert [a["name"] for a in by_alias["actors"]] == ["Maria Okafor"]
        by_id = reader.quotes_by_speaker(actor_id=by_alias["actors"][0]["id"])
        assert texts(by_id) == texts(by_alias)
        assert reader.quotes_by_speaker("Nobody Here")["quotes"] == []

    def test_a_speaker_that_is_no_entity_is_found_by_its_text(self, reader):
        answer = reader.quotes_by_speaker("the police")
        assert texts(answer) == ["Drive only if you must"]
        assert answer["quotes"][0]["outlet"] == "coastnews.example"  # the URL's host when no source

    def test_since_until_and_outlet_filter_on_the_article(self, reader):
        assert texts(reader.quotes_by_speaker("Maria Okafor", win=window(until="2024-03-04"))) == [BUDGET]
        assert BUDGET not in texts(reader.quotes_by_speaker("Maria Okafor", win=window(since="2024-03-05")))
        later = reader.quotes_by_speaker("Maria Okafor", win=window(since="2024-03-04T09:00:00Z"))
        assert BUDGET in texts(later)  # it ran again at 09:15 and 15:30
        wire = reader.quotes_by_speaker("Maria Okafor", win=window(outlet="Wire Service"))
        assert texts(wire) == [BUDGET] and wire["quotes"][0]["copies"] == 3

    def test_limit_says_when_more_match(self, reader):
        answer = reader.quotes_by_speaker("Maria Okafor", limit=1)
        assert len(answer["quotes"]) == 1 and answer["more"] is True
        assert reader.quotes_by_speaker("Maria Okafor", limit=3)["more"] is False

    # --- quotes by entity and by words -------------------------------------------------------

    def test_entity_means_quotes_in_articles_that_mention_it(self, reader):
        answer = reader.quotes_by_entity("port elmstead")
        assert answer["role"] == "mentioned"
        assert set(texts(answer)) == {
            BUDGET,
            UNION,
            "Spring is a long way off",
            DREDGING,
            "The port's future depends on it",
            "Drive only if you must",
        }
        by_id = reader.quotes_by_entity(actor_id=answer["actors"][0]["id"], win=window(outlet="Daily Ledger"))
        assert set(texts(by_id)) == {BUDGET, UNION, DREDGING, "The port's future depends on it"}
        assert reader.quotes_by_entity("Atlantis")["quotes"] == []

    def test_words_match_with_stemming_phrases_or_and_exclusion(self, reader):
        assert texts(reader.quotes_by_text("balancing")) == [BUDGET]
        assert set(texts(reader.quotes_by_text("harbour"))) == {BUDGET, UNION}
        assert set(texts(reader.quotes_by_text("consulted or dredging"))) == {UNION, DREDGING}
        assert texts(reader.quotes_by_text('"whole summer"')) == [DREDGING]
        assert texts(reader.quotes_by_text('"summer whole"')) == []
        assert texts(reader.quotes_by_text("harbour -spring")) == [UNION]
        assert reader.quotes_by_text("harbour")["quotes"][0]["copies"] == 3

    @pytest.mark.parametrize(
        "words",
        ["NEAR(harbour budget)", "text: harbour", '"harbour', "harbour*", "'); DROP TABLE quotes; --", "a AND OR NOT"],
    )
    def test_search_syntax_in_the_words_is_only_words(self, reader, words):
        reader.quotes_by_text(words)  # no syntax error
        with reader.engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(schema.quotes)) == 10

    @pytest.mark.parametrize("words", ["", "   ", '""', "!!! ...", "-harbour", "x" * 501, "har\x00bour"])
    def test_words_with_nothing_to_search_are_refused(self, reader, words):
        with pytest.raises(QueryError):
            reader.quotes_by_text(words)

    # --- speakers ----------------------------------------------------------------------------

    def test_top_speakers_count_a_quote_once_across_copies_with_counts_by_outlet(self, reader):
        top = reader.top_speakers(10)["speakers"]
        assert [(s["name"], s["quotes"]) for s in top] == [("Maria Okafor", 3), ("Harbour Workers Union", 1)]
        outlets = {o["outlet"]: o["quotes"] for o in top[0]["outlets"]}
        assert outlets == {"Daily Ledger": 3, "Wire Service": 1, "Evening Courier": 1}
        assert len(reader.top_speakers(1)["speakers"]) == 1
        assert [s["quotes"] for s in reader.top_speakers(5, window(since="2024-03-10"))["speakers"]] == [2]

    def test_speaker_page_has_quotes_over_time_outlets_and_entities(self, reader):
        aid = reader.find_actors("Maria Okafor")[0]["id"]
        page = reader.speaker(aid)
        assert page["speaker"]["aliases"] == ["Maria Okafor", "Okafor"]
        assert page["quotes_total"] == 3
        days = {b["start"]: b["quotes"] for b in page["over_time"]}
        assert days["2024-03-04"] == 1 and days["2024-03-11"] == 2 and days["2024-03-07"] == 0
        assert len(page["over_time"]) == 8
        weeks = reader.speaker(aid, bucket="week")["over_time"]
        assert weeks == [{"start": "2024-03-04", "quotes": 1}, {"start": "2024-03-11", "quotes": 2}]
        assert [(e["name"], e["stories"]) for e in page["entities"]] == [
            ("Port Elmstead", 2),
            ("Harbour Workers Union", 1),
        ]
        assert page["outlets"][0] == {"outlet": "Daily Ledger", "quotes": 3}
        assert reader.speaker("0000000000000000") is None

    # --- stories -----------------------------------------------------------------------------

    def test_story_lists_copies_in_order_and_each_quote_once(self, reader):
        story = reader.story("s-budget-copy2")
        assert story["story_id"] == "s-budget"
        assert [c["article_id"] for c in story["copies"]] == ["s-budget", "s-budget-copy1", "s-budget-copy2"]
        assert [c["outlet"] for c in story["copies"]] == ["Daily Ledger", "Wire Service", "Evening Courier"]
        assert texts(story) == [BUDGET, UNION, "Spring is a long way off"]
        assert [q["copies"] for q in story["quotes"]] == [3, 3, 1]
        assert reader.story("a-rain")["copies"][0]["published_at"] is None
        assert reader.story("no-such-article") is None

    def test_a_story_is_ordered_by_publication_and_says_which_copy_arrived_first(self, reader, store_url):
        """A later-published copy that arrived first: the order is by publication, the verdict by arrival."""
        common = {"entities": [], "quotes": [], "title": "Ferry strike called off"}
        engine = make_engine(store_url)
        writer = StoreWriter(engine)
        arrived = event(
            "ferry-wire", story="ferry-wire", source="Fast Wire", published_at="2024-04-02T09:00:00Z", **common
        )
        writer.write_batch([arrived])
        earlier = event(
            "ferry-post",
            story="ferry-wire",
            status="duplicate",
            source="Morning Post",
            published_at="2024-04-02T08:45:00+01:00",
            **common,
        )
        undated = event(
            "ferry-copy", story="ferry-wire", status="near_duplicate", source=None, published_at=None, **common
        )
        writer.write_batch([earlier, undated])
        story = reader.story("ferry-copy")
        copies = story["copies"]
        assert [c["article_id"] for c in copies] == ["ferry-post", "ferry-wire", "ferry-copy"]
        first = story["first_published"]
        assert (first["article_id"], first["outlet"], first["published_at"]) == (
            "ferry-post",
            "Morning Post",
            "2024-04-02T07:45:00",
        )
        assert story["arrived_first"]["article_id"] == "ferry-wire"
        assert [c["arrived_first"] for c in copies] == [False, True, False]
        assert [c["after_first_s"] for c in copies[:2]] == [0.0, 4500.0] and copies[2]["after_first_s"] > 4500
        assert [c["time_basis"] for c in copies] == ["published", "published", "received"]
        assert copies[2]["outlet"] is None and copies[2]["published_at"] is None
        with engine.connect() as conn:  # the writer names the same first copy
            row = conn.execute(select(schema.stories).where(schema.stories.c.id == "ferry-wire")).one()
        engine.dispose()
        assert (row.copies, row.first_article_id, row.first_outlet) == (3, "ferry-post", "Morning Post")

    def test_the_reader_cannot_write(self, reader):
        with reader.engine.connect() as conn, pytest.raises(SQLAlchemyError):
            conn.execute(text("DELETE FROM quotes"))

    def test_lists_read_a_row_at_a_time_give_the_same_answers(self, reader, monkeypatch):
        """Branches (actor ids and speaker texts, an entity's articles) cut off after each row merge to the
        order of one sorted read."""
        from newsflow.store import queries

        asks = [
            lambda: reader.quotes_by_speaker("Maria Okafor"),
            lambda: reader.quotes_by_speaker("Maria Okafor", limit=1),
            lambda: reader.quotes_by_entity("Port Elmstead", win=window(until="2024-03-05")),
            lambda: reader.quotes_by_entity("Port Elmstead", limit=2),
            lambda: reader.quotes_by_text("harbour or dredging", win=window(outlet="Daily Ledger")),
        ]
        sorted_first = [ask() for ask in asks]
        monkeypatch.setattr(queries, "READ_AHEAD", 0.01)
        assert [ask() for ask in asks] == sorted_first
