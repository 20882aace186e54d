"""Cursor paging of the store's lists on a real PostgreSQL server (a database of its own per test); SQLite: tests/unit."""

from __future__ import annotations

import pytest
from unit_modules import unit_module

paging_contract = unit_module("store_paging_contract")

pytestmark = pytest.mark.integration


class TestPagingOnPostgres(paging_contract.PagingContract):
    @pytest.fixture
    def store_url(self, postgres_url):
        return postgres_url
