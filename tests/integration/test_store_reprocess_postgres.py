"""`newsflow store reprocess` on a real PostgreSQL server (a database of its own per test); SQLite: tests/unit."""

from __future__ import annotations

import pytest
from unit_modules import unit_module

reprocess_contract = unit_module("store_reprocess_contract")

pytestmark = pytest.mark.integration


class TestReprocessOnPostgres(reprocess_contract.ReprocessContract):
    @pytest.fixture
    def store_url(self, postgres_url):
        return postgres_url
