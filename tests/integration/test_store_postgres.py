"""The store contract on a real PostgreSQL server (a database of its own per test); SQLite: tests/unit."""

from __future__ import annotations

import pytest
from unit_modules import unit_module

store_contract = unit_module("store_contract")

pytestmark = pytest.mark.integration


class TestPostgresStore(store_contract.StoreContract):
    @pytest.fixture
    def store_url(self, postgres_url):
        return postgres_url

    def test_a_nul_character_is_refused_by_postgresql_alone(self, store):
        import orjson

        from newsflow.store.sink import store_batch

        _, writer = store
        bad = store_contract.event("nul1")
        bad["text"] = "has a \x00 NUL"
        result = store_batch(
            writer, [("m1", orjson.dumps(store_contract.event("fine"))), ("m2", orjson.dumps(bad))], None
        )
        assert [o.source for o in result.outputs] == ["m1"]
        assert [d.source for d in result.dead] == ["m2"] and "nul1" in result.dead[0].reason
