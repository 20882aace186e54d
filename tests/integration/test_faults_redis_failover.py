"""Redis master killed -9 under the dedup worker, Sentinel fails over: no verdict is lost.

A master, a replica and a Sentinel (`redis_ha.py`). The dedup worker finds the master
through Sentinel (NEWSFLOW_REDIS_SENTINELS) and requires the replica to acknowledge each
batch's verdicts (NEWSFLOW_REDIS_MIN_REPLICAS=1, WAIT in the batch's round trip) before the
verdicts go downstream. Originals flow; the master is killed mid-stream; Sentinel promotes
the replica; dedup waits (its batches fail: no replica acknowledges) until the old master
is back as the new master's replica. Then a copy of every 5th original is published: each
is still "duplicate of" its original, including the originals judged before the crash.
Every id arrives and repeats are identical.
"""

from __future__ import annotations

import pytest
from conftest import isolated_settings
from faults_support import (
    PacedPublisher,
    TopicWatcher,
    assert_redeliveries_identical,
    corpus_articles,
    wait_group_stable,
    wrong_copy_verdicts,
)
from redis_ha import MASTER_NAME, RedisReplicaSet

from shared.adapters.kafka import Publisher, ensure_topics

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def replica_set(tmp_path):
    rs = RedisReplicaSet(tmp_path / "redis-ha", replicas=1)
    try:
        rs.start()
        yield rs
    finally:
        rs.stop()


def test_master_kill_9_and_sentinel_failover_keep_every_verdict(stack, tmp_path, workers, replica_set):
    settings = isolated_settings(
        stack,
        tmp_path,
        batch_size=16,
        redis_sentinels=replica_set.sentinels,
        redis_sentinel_master=MASTER_NAME,
        redis_min_replicas=1,
    )
    ensure_topics(settings)
    t = settings.topics
    running = [workers("normalize", settings), workers("dedup", settings)]
    for s in ("normalize", "dedup"):
        wait_group_stable(settings, s, 1, watch=running)
    originals = corpus_articles(400, "failover")
    # Copies go out once every original has its verdict: across partitions Kafka keeps no order,
    # so a copy published just after its original could be judged first after a stall.
    copies = [{**a, "id": a["id"] + "-copy"} for a in originals[::5]]
    ids = {a["id"] for a in originals}
    watcher = TopicWatcher(settings, [t.deduped])
    publisher = PacedPublisher(settings, originals, per_second=60)
    publisher.start()
    try:
        watcher.wait(lambda w: w.count(t.deduped) >= 150, "the flow to be under way", timeout_s=120, watch=running)
        old = replica_set.kill_master()
        done_at_kill = watcher.count(t.deduped)
        new = replica_set.wait_failover(old)
        replica_set.restart(old)  # back as a replica of the new master: WAIT can be met again
        replica_set.wait_replicas(1)
        publisher.join_ok()
        watcher.wait(
            lambda w: ids <= set(w.ids(t.deduped)),
            f"all {len(ids)} originals after the failover",
            timeout_s=300,
            watch=running,
        )
    finally:
        publisher.join(5)
    with Publisher(settings) as pub:
        pub.publish_many(copies)
    ids |= {c["id"] for c in copies}
    watcher.wait(lambda w: ids <= set(w.ids(t.deduped)), "every copy", timeout_s=180, watch=running)
    watcher.poll()
    repeats = assert_redeliveries_identical(watcher, t.deduped)
    verdicts = {e["id"]: e["dedup"] for e in watcher.values(t.deduped)}
    wrong = wrong_copy_verdicts(copies, verdicts)
    lost = len(ids - set(verdicts))
    failed = running[1].log().count("step=process failed")
    print(
        f"master :{old} killed at {done_at_kill} verdicts, Sentinel promoted :{new}; dedup batches failed and "
        f"retried: {failed}; articles lost: {lost}; repeats {repeats}; copies judged wrongly: "
        f"{len(wrong)} of {len(copies)}"
    )
    assert not wrong, f"copies judged wrongly after the failover: {wrong[:5]}"
    assert lost == 0
    assert all(w.alive() for w in running), running[1].log()[-3000:]
    watcher.close()
