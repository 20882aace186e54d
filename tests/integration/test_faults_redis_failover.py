"""Redis master killed -9 under the dedup worker, Sentinel fails over: no verdict is lost.

A master, two replicas and a Sentinel (`redis_ha.py`). The dedup worker finds the master
through Sentinel (NEWSFLOW_REDIS_SENTINELS) and requires one replica to acknowledge each
batch's verdicts (NEWSFLOW_REDIS_MIN_REPLICAS=1, WAIT in the batch's round trip) before the
verdicts go downstream. Originals and later copies of them flow; the master is killed
mid-stream; Sentinel promotes the most up-to-date replica. Every id arrives, repeats are
identical, and every copy published after its original is still "duplicate of" it.
"""
from __future__ import annotations

import pytest

from conftest import isolated_settings
from faults_support import PacedPublisher, TopicWatcher, assert_redeliveries_identical, bbc_articles, wait_group_stable
from redis_ha import MASTER_NAME, RedisReplicaSet
from shared.adapters.kafka import ensure_topics

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def replica_set(tmp_path):
    rs = RedisReplicaSet(tmp_path / "redis-ha", replicas=2)
    try:
        rs.start()
        yield rs
    finally:
        rs.stop()


def test_master_kill_9_and_sentinel_failover_keep_every_verdict(stack, tmp_path, workers, replica_set):
    settings = isolated_settings(stack, tmp_path, batch_size=16, redis_sentinels=replica_set.sentinels,
                                 redis_sentinel_master=MASTER_NAME, redis_min_replicas=1)
    ensure_topics(settings)
    t = settings.topics
    running = [workers("normalize", settings), workers("dedup", settings)]
    for s in ("normalize", "dedup"):
        wait_group_stable(settings, s, 1, watch=running)
    originals = bbc_articles(400, "failover")
    copies = [{**a, "id": a["id"] + "-copy"} for a in originals[::5]]  # published well after the original
    stream = originals[:200] + copies[:20] + originals[200:] + copies[20:]
    ids = {a["id"] for a in stream}
    watcher = TopicWatcher(settings, [t.deduped])
    publisher = PacedPublisher(settings, stream, per_second=60)
    publisher.start()
    try:
        watcher.wait(lambda w: w.count(t.deduped) >= 150, "the flow to be under way", timeout_s=120, watch=running)
        old = replica_set.kill_master()
        done_at_kill = watcher.count(t.deduped)
        new = replica_set.wait_failover(old)
        publisher.join_ok()
        watcher.wait(lambda w: ids <= set(w.ids(t.deduped)), f"all {len(ids)} ids after the failover",
                     timeout_s=300, watch=running)
    finally:
        publisher.join(5)
    watcher.poll()
    repeats = assert_redeliveries_identical(watcher, t.deduped)
    verdicts = {e["id"]: e["dedup"] for e in watcher.values(t.deduped)}
    wrong = []
    for c in copies:
        original = c["id"][: -len("-copy")]
        root = verdicts[original]["duplicate_of"] or original  # the corpus has duplicates of its own
        v = verdicts[c["id"]]
        if v["status"] != "duplicate" or v["duplicate_of"] != root:
            wrong.append((c["id"], v))
    lost = len(ids - set(verdicts))
    print(f"master :{old} killed at {done_at_kill} verdicts, Sentinel promoted :{new}; articles lost: {lost}; "
          f"repeats {repeats}; copies judged wrongly: {len(wrong)} of {len(copies)}")
    assert not wrong, f"copies judged wrongly after the failover: {wrong[:5]}"
    assert lost == 0
    assert all(w.alive() for w in running), running[1].log()[-3000:]
    watcher.close()
