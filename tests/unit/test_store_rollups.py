"""The rollups' contract on a SQLite file (PostgreSQL: tests/integration/test_store_rollups_postgres.py)."""

from __future__ import annotations

import pytest
from store_rollups_contract import RollupsContract


class TestRollupsOnSQLite(RollupsContract):
    @pytest.fixture
    def store_url(self, tmp_path):
        return f"sqlite:///{tmp_path / 'store.db'}"


def test_a_bulk_load_stops_at_an_event_it_cannot_store(tmp_path):
    """The helper process's error reaches the caller with its reason; nothing is half-loaded silently."""
    from newsflow.store.bulkload import bulk_load
    from newsflow.store.synthetic import NewsGenerator, Shape

    arrivals = list(NewsGenerator(Shape(50, years=0.01), seed=1, prefix="x").arrivals())
    bad = dict(arrivals[20][1], text=None)
    with pytest.raises(RuntimeError, match="'text' is missing"):
        bulk_load(f"sqlite:///{tmp_path / 'bad.db'}", [*arrivals[:20], (arrivals[20][0], bad)])


def test_copy_text_escapes_what_copy_would_read_as_syntax():
    from datetime import datetime

    from newsflow.store import schema
    from newsflow.store.bulk import copy_text

    row = {
        "id": "a\tb\\c",
        "title": "line\nbreak\r",
        "authors": ["x\\y"],
        "stored_at": datetime(2024, 1, 2, 3, 4, 5, 6),
    }
    assert copy_text(schema.articles, list(row), [row, {**row, "title": None}]) == (
        b'a\\tb\\\\c\tline\\nbreak\\r\t["x\\\\\\\\y"]\t2024-01-02 03:04:05.000006\n'
        b'a\\tb\\\\c\t\\N\t["x\\\\\\\\y"]\t2024-01-02 03:04:05.000006\n'
    )
