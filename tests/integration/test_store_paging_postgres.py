"""Cursor paging of the store's lists on a real PostgreSQL server (tests/conftest.py's server, a database per test)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

UNIT = Path(__file__).resolve().parents[1] / "unit"
sys.path.insert(0, str(UNIT.parent))
_spec = importlib.util.spec_from_file_location("store_paging_contract", UNIT / "store_paging_contract.py")
assert _spec and _spec.loader
contract = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(contract)

pytestmark = pytest.mark.integration


class TestPagingOnPostgres(contract.PagingContract):
    @pytest.fixture
    def store_url(self, postgres_url):
        return postgres_url
