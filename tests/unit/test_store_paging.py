"""Cursor paging of the store's lists on a SQLite file (PostgreSQL: tests/integration/test_store_paging_postgres.py),
and the cursors themselves."""

from __future__ import annotations

from datetime import datetime

import pytest
from store_paging_contract import PagingContract

from newsflow.store.paging import Cursor, fingerprint, make_cursor, read_cursor
from newsflow.store.params import QueryError


class TestPagingOnSQLite(PagingContract):
    @pytest.fixture
    def store_url(self, tmp_path):
        return f"sqlite:///{tmp_path / 'store.db'}"


def test_a_cursor_comes_back_as_it_was_made():
    query = {"speaker": "Ada", "speaker_id": None, "since": "2024-01-01T00:00:00", "until": None, "outlet": None}
    token = make_cursor("quotes", query, (datetime(2024, 5, 6, 10, 0, 0, 123), "a:1"), 1000, capped=True)
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")  # URL-safe as is
    assert read_cursor(token, "quotes", query) == Cursor((datetime(2024, 5, 6, 10, 0, 0, 123), "a:1"), 1000, True)
    hinted = make_cursor("quotes", query, (datetime(2024, 5, 6), "a:1"), 7, hint="m")
    assert read_cursor(hinted, "quotes", query).hint == "m" and read_cursor(token, "quotes", query).hint is None
    copies = make_cursor("copies", {"article_id": "x"}, (datetime(2024, 1, 1), 1, datetime(2024, 1, 2), "x"), 3)
    assert read_cursor(copies, "copies", {"article_id": "x"}) == Cursor(
        (datetime(2024, 1, 1), 1, datetime(2024, 1, 2), "x"), 3, False
    )


def test_a_fingerprint_is_of_the_parameters_given():
    assert fingerprint("quotes", {"text": "a", "outlet": None}) == fingerprint("quotes", {"text": "a"})
    assert fingerprint("quotes", {"text": "a"}) != fingerprint("quotes", {"text": "b"})
    assert fingerprint("quotes", {"text": "a"}) != fingerprint("speakers", {"text": "a"})


@pytest.mark.parametrize("token", ["%%%", "e30", "W10", "eyJ2IjoxfQ", "bnVsbA"])
def test_what_is_no_cursor_is_refused(token):
    with pytest.raises(QueryError, match="cursor"):
        read_cursor(token, "quotes", {})
