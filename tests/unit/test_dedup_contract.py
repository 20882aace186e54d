"""The DedupIndex contract, held by the in-process index (the Redis one: tests/integration)."""

from __future__ import annotations

import pytest
from dedup_contract import DedupContract

from services.dedup.index import IndexParams
from services.dedup.memory_index import MemoryDedupIndex


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def index_kit():
    def make(params: IndexParams):
        clock = FakeClock()
        index = MemoryDedupIndex(params, clock=clock)

        def expire_all() -> None:
            clock.now += params.retention_seconds + 1

        return index, expire_all

    return make


class TestMemoryIndexContract(DedupContract):
    """Every contract test, on MemoryDedupIndex."""
