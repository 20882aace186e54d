"""The query layer on a SQLite store (the PostgreSQL run of the same contract: tests/integration)."""

from __future__ import annotations

import pytest
from store_queries_contract import QueriesContract

from newsflow.store.params import QueryError, Term, fts5_query, search_terms, websearch_text, window
from newsflow.store.queries import StoreMissing, open_reader


class TestQueriesOnSQLite(QueriesContract):
    @pytest.fixture
    def store_url(self, tmp_path):
        return f"sqlite:///{tmp_path / 'store.db'}"


def test_a_missing_sqlite_file_is_not_created(tmp_path):
    with pytest.raises(StoreMissing):
        open_reader(str(tmp_path / "none.db"))
    assert not (tmp_path / "none.db").exists()


def test_terms_are_quoted_for_fts5_and_kept_for_websearch():
    terms = search_terms('-spring harbour "whole summer" or dredg"ing')
    assert terms[0] == Term("spring", negated=True)
    assert fts5_query(terms) == '"harbour" NOT "spring" AND "whole summer" OR "dredg""ing"'
    assert websearch_text(terms) == 'harbour -spring "whole summer" or "dredg ing"'


@pytest.mark.parametrize(
    "since,until,reason",
    [
        ("yesterday", None, "since"),
        ("2024-13-01", None, "since"),
        (None, "2024-02-30", "until"),
        ("2024-03-05", "2024-03-04", "not before"),
        ("x" * 50, None, "since"),
    ],
)
def test_malformed_windows_say_why(since, until, reason):
    with pytest.raises(QueryError, match=reason):
        window(since, until)


def test_a_bare_until_date_includes_that_day_and_zones_become_utc():
    w = window("2024-03-04T10:00:00+02:00", "2024-03-04")
    assert w.since.isoformat() == "2024-03-04T08:00:00" and w.until.isoformat() == "2024-03-05T00:00:00"


def test_top_speakers_are_kept_for_the_cache_time_only_when_asked(tmp_path):
    from data.store_events import event, store_events

    from newsflow.store.engine import make_engine
    from newsflow.store.migrate import upgrade_engine
    from newsflow.store.writer import StoreWriter

    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = make_engine(url)
    upgrade_engine(engine)
    writer = StoreWriter(engine)
    writer.write_batch(store_events())
    cached, fresh = open_reader(url, aggregate_cache_s=3600), open_reader(url)
    before = cached.top_speakers(1)
    assert before["speakers"][0]["name"] == "Maria Okafor" and "cached_at" in before
    many = [{"text": f"Point number {i} stands", "speaker": "Tom Brennan", "speaker_label": "PERSON"} for i in range(5)]
    entities = [
        {
            "name": "Tom Brennan",
            "label": "PERSON",
            "count": 1,
            "mentions": [{"text": "Tom Brennan", "start": 0, "end": 11}],
        }
    ]
    writer.write_batch(
        [event("t-1", story="t-1", title="Brennan", source="X", published_at=None, entities=entities, quotes=many)]
    )
    assert cached.top_speakers(1) == before
    assert fresh.top_speakers(1)["speakers"][0]["name"] == "Tom Brennan"
    engine.dispose()


def test_a_search_reads_days_weeks_months_then_years():
    from datetime import datetime

    from newsflow.store.queries import _next_level, period

    moment = datetime(2025, 3, 4, 10)
    assert period("d", moment) == ("'t|d20250304'", datetime(2025, 3, 4))
    week = " | ".join(f"'t|d202503{d:02d}'" for d in (4, 3, 2, 1)) + " | 't|d20250228' | 't|d20250227' | 't|d20250226'"
    assert period("w", moment) == (week, datetime(2025, 2, 26))  # the 7 days that end with the moment's
    assert period("w", datetime(1, 1, 2)) == ("'t|d10102' | 't|d10101'", datetime(1, 1, 1))  # the calendar's start
    assert period("m", moment) == ("'t|m202503'", datetime(2025, 3, 1))
    assert period("y", moment) == ("'t|y2025'", datetime(2025, 1, 1))
    assert _next_level(1.5, False) == "d"
    assert _next_level(6.0, False) == "w"
    assert _next_level(30.0, False) == "m"
    assert _next_level(400.0, False) == "m"  # a year only once a month was read
    assert _next_level(400.0, True) == "y"
    assert _next_level(1.0, True) == "d"  # back to days when a day should do


def test_a_window_is_whole_days_and_partial_days_at_its_ends():
    from datetime import date, datetime

    from newsflow.store.speaker_counts import span

    assert span(window()).all_time
    whole = span(window("2024-03-01", "2024-03-31"))
    assert (whole.first_day, whole.end_day, whole.edges) == (date(2024, 3, 1), date(2024, 4, 1), ())
    cut = span(window("2024-03-01T10:00:00", "2024-03-05T06:00:00"))
    assert (cut.first_day, cut.end_day) == (date(2024, 3, 2), date(2024, 3, 5))
    assert cut.edges == (
        (datetime(2024, 3, 1, 10), datetime(2024, 3, 2)),
        (datetime(2024, 3, 5), datetime(2024, 3, 5, 6)),
    )
    one_day = span(window("2024-03-01T10:00:00", "2024-03-01T12:00:00"))
    assert not one_day.has_days and one_day.edges == ((datetime(2024, 3, 1, 10), datetime(2024, 3, 1, 12)),)
    last = span(window("9999-12-31T10:00:00", "9999-12-31"))  # the calendar's last moment
    assert not last.has_days and last.edges == ((datetime(9999, 12, 31, 10), datetime.max),)
