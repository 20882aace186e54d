"""The store's pure parts: ids, keys, times, outlets, rows of an event, and the sink's outage rule."""

from __future__ import annotations

from datetime import datetime

import orjson
import pytest
from store_contract import entity, event, quote

from newsflow.store.engine import make_engine, store_url
from newsflow.store.rows import (
    actor_id,
    article_rows,
    content_hash,
    full_event,
    outlet_of,
    parse_time,
    quote_key,
    stored_event,
)
from newsflow.store.sink import StoreUnavailable, store_batch
from newsflow.store.writer import StoreWriter
from shared.core.events import InvalidEvent


def test_actor_id_is_stable_and_ignores_case_and_spacing_but_not_the_label():
    assert actor_id("PERSON", "Jane Roe") == actor_id("PERSON", " jane  ROE ")
    assert actor_id("PERSON", "Jane Roe") != actor_id("ORG", "Jane Roe")
    assert actor_id("PERSON", "Jane Roe") != actor_id("PERSON", "Roe")
    assert len(actor_id("PERSON", "Jane Roe")) == 16


def test_quote_key_ignores_case_punctuation_and_spacing_only():
    assert quote_key("We will win.") == quote_key("we  will WIN!")
    assert quote_key("We will win") != quote_key("We will not win")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-02T10:00:00Z", datetime(2024, 3, 2, 10)),
        ("2024-03-02T10:00:00+02:00", datetime(2024, 3, 2, 8)),
        ("2024-03-02", datetime(2024, 3, 2)),
        ("2 March 2024", None),
        ("", None),
        (None, None),
        (17, None),
    ],
)
def test_parse_time_reads_iso_8601_as_naive_utc(value, expected):
    assert parse_time(value) == expected


def test_outlet_falls_back_to_site_name_then_url_host():
    assert outlet_of({"source": "Daily", "site_name": "D", "url": "https://x.example/"}) == "Daily"
    assert outlet_of({"site_name": "The Site", "url": "https://x.example/"}) == "The Site"
    assert outlet_of({"url": "https://www.paper.example/a"}) == "paper.example"
    assert outlet_of({}) is None


def test_content_hash_ignores_the_trace_only():
    e = event("h1")
    assert content_hash(e) == content_hash(dict(e, trace={"x": {"ms": 5}}))
    assert content_hash(e) != content_hash(dict(e, title="other"))


def test_stored_event_drops_text_and_a_body_equal_to_it_and_full_event_restores_them():
    e = dict(event("s1"), body="same")
    e["text"] = "same"
    kept = stored_event(e)
    assert "text" not in kept and "body" not in kept
    assert full_event(kept, "same") == e
    other = dict(e, body="<p>raw</p>")
    assert stored_event(other)["body"] == "<p>raw</p>"


def test_rows_link_a_speaker_to_the_entity_of_the_same_canonical_name():
    rows = article_rows(
        event("r1", entities=[entity("Jane Roe", "PERSON", "Jane Roe", "Roe")], quotes=[quote("hi", "Jane Roe")]),
        datetime(2024, 1, 1),
    )
    assert rows.quotes[0]["speaker_actor_id"] == actor_id("PERSON", "Jane Roe")
    assert {a["alias"] for a in rows.aliases} == {"Jane Roe", "Roe"}
    assert rows.article["story_id"] == "r1" and rows.story["first_article_id"] == "r1"


def test_v3_quote_fields_are_kept_and_absent_ones_are_null():
    v3 = quote("hi", "A B", speaker_start=1, speaker_end=4, rule="cue_after", confidence=0.75)
    rows = article_rows(event("v3", quotes=[v3, quote("ho", "A B")], version=3), datetime(2024, 1, 1))
    assert (rows.quotes[0]["rule"], rows.quotes[0]["confidence"], rows.quotes[0]["speaker_start"]) == (
        "cue_after",
        0.75,
        1,
    )
    assert (rows.quotes[1]["rule"], rows.quotes[1]["confidence"]) == (None, None)


@pytest.mark.parametrize(
    ("obj", "reason"),
    [
        ({"text": "t"}, "'id'"),
        ({"id": "x"}, "'text'"),
        ({"id": "", "text": "t"}, "empty"),
        ({"id": "x", "text": "t", "schema_version": 4}, "newer"),
        ({"id": "x", "text": "t", "entities": [{"name": "", "label": "PERSON"}]}, "entity"),
        ({"id": "x", "text": "t", "quotes": [{"text": None}]}, "quote 0"),
        ({"id": "x", "text": "t", "quotes": "no"}, "cannot be stored"),
    ],
)
def test_events_that_cannot_be_stored_say_why(obj, reason):
    with pytest.raises(InvalidEvent, match=reason):
        article_rows(obj, datetime(2024, 1, 1))


def test_an_unreachable_store_is_an_outage_to_retry_never_dead_letters(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'missing-dir' / 'store.db'}")
    with pytest.raises(StoreUnavailable):
        store_batch(StoreWriter(engine), [("m1", orjson.dumps(event("a1")))], None)


def test_store_url_reads_a_bare_path_as_sqlite_and_postgresql_as_psycopg():
    assert store_url("news.db") == "sqlite:///news.db"
    assert store_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert store_url("sqlite:///x.db") == "sqlite:///x.db"
