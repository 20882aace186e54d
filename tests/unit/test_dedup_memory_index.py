"""What only the in-process index shows directly: its retention clock and its bounded size."""

from __future__ import annotations

from dedup_contract import edited, one, story
from test_dedup_contract import FakeClock

from services.dedup.fingerprint import fingerprint
from services.dedup.index import IndexParams
from services.dedup.memory_index import MemoryDedupIndex


def test_entries_expire_and_are_dropped():
    clock = FakeClock()
    index = MemoryDedupIndex(IndexParams(retention_seconds=100), clock=clock)
    index.assign([(f"a{i}", fingerprint(story(i))) for i in range(50)])
    assert len(index) == 50
    clock.now += 101
    one(index, "later", story(999))
    assert len(index) == 1  # memory is bounded by what arrived within the retention


def test_an_exact_copy_restarts_the_retention_of_its_original():
    clock = FakeClock()
    index = MemoryDedupIndex(IndexParams(retention_seconds=100), clock=clock)
    one(index, "orig", story(1))
    clock.now += 60
    assert one(index, "copy1", story(1)).duplicate_of == "orig"
    clock.now += 60  # 120 s after the original, 60 s after the copy
    assert one(index, "copy2", story(1)).duplicate_of == "orig"


def test_a_near_copy_outlives_the_original_and_keeps_the_cluster():
    clock = FakeClock()
    index = MemoryDedupIndex(IndexParams(retention_seconds=100), clock=clock)
    one(index, "orig", story(2))
    clock.now += 60
    one(index, "edit", edited(story(2), 3))
    clock.now += 60
    v = one(index, "edit2", edited(story(2), 3, seed=5))
    assert (v.status, v.duplicate_of) == ("near_duplicate", "orig")


def test_redelivery_after_retention_is_decided_again():
    clock = FakeClock()
    index = MemoryDedupIndex(IndexParams(retention_seconds=100), clock=clock)
    one(index, "a", story(3))
    one(index, "b", story(3))
    clock.now += 101
    assert one(index, "b", story(3)).status == "unique"


def test_an_article_redelivered_after_its_record_expired_is_never_its_own_copy():
    clock = FakeClock()
    index = MemoryDedupIndex(IndexParams(retention_seconds=100), clock=clock)
    assert one(index, "a", story(3)).status == "unique"
    clock.now += 60
    assert one(index, "near", edited(story(3), 8)).duplicate_of == "a"  # does not renew a's retention
    clock.now += 50  # a's record has expired; the near copy that names it as its root has not
    again = one(index, "a", story(3))
    assert again.status == "unique" and again.duplicate_of is None
