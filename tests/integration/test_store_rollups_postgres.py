"""The rollups' contract on a real PostgreSQL server (a database of its own per test); SQLite: tests/unit."""

from __future__ import annotations

import pytest
from unit_modules import unit_module

rollups_contract = unit_module("store_rollups_contract")

pytestmark = pytest.mark.integration


class TestRollupsOnPostgres(rollups_contract.RollupsContract):
    @pytest.fixture
    def store_url(self, postgres_url):
        return postgres_url
