"""The store contract on a SQLite file (the embedded store); PostgreSQL: tests/integration/test_store_postgres.py."""

from __future__ import annotations

import pytest
from store_contract import StoreContract


class TestSqliteStore(StoreContract):
    @pytest.fixture
    def store_url(self, tmp_path):
        return f"sqlite:///{tmp_path / 'store.db'}"
