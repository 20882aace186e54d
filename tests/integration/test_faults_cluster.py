"""A replicated Kafka cluster: kill -9 of the broker that leads most partitions, under a flowing pipeline.

A 3-node KRaft cluster (combined broker+controller nodes, `LocalStack` with brokers=3, the
code of `newsflow stack up --brokers 3`) on free loopback ports. The topics newsflow
creates get replication factor 3 and min.insync.replicas 2 from the broker count. While
2,000 articles (cut to two paragraphs) flow through a worker of every stage, the broker leading the most
partitions of the flow is killed -9: every id still reaches articles.enriched, no worker
dies, repeats are identical. The broker is then started again and catches up: every
partition's in-sync replica set is full again (polled, with a deadline).
"""

from __future__ import annotations

import time
from collections import Counter

import pytest
from conftest import StackInfo, isolated_settings
from faults_support import (
    PacedPublisher,
    TopicWatcher,
    assert_redeliveries_identical,
    corpus_articles,
    wait_group_stable,
)
from kafka import KafkaAdminClient
from kafka.admin import ConfigResource, ConfigResourceType

from shared.adapters.kafka import ensure_topics, partition_replicas, wait_for_broker
from shared.core.settings import STAGES, Settings

pytestmark = [pytest.mark.integration, pytest.mark.slow]

N = 2000


@pytest.fixture
def cluster(stack, tmp_path):
    """A 3-broker KRaft cluster of its own (the session's Redis serves dedup)."""
    import os
    from pathlib import Path

    from newsflow.devstack.stack import LocalStack, StackConfig, free_port

    cache = Path(os.environ.get("NEWSFLOW_CACHE_DIR", Path.home() / ".cache" / "newsflow"))
    config = StackConfig(
        run_dir=tmp_path / "cluster",
        cache_dir=cache,
        kafka_port=free_port(),
        controller_port=free_port(),
        redis_port=free_port(),
        kafka_heap="384m",
        brokers=3,
        extra_kafka_ports=(free_port(), free_port()),
        extra_controller_ports=(free_port(), free_port()),
    )
    local = LocalStack(config)
    config.run_dir.mkdir(parents=True)
    try:
        local.start_kafka()
        wait_for_broker(Settings(kafka_bootstrap=config.bootstrap), timeout_s=120)
        yield local, StackInfo(config.bootstrap, stack.redis_url, local)
    finally:
        local.stop_kafka()


def _min_isr(settings: Settings, topics) -> dict[str, str]:
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
    try:
        got = admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, t, ["min.insync.replicas"]) for t in topics]
        )
    finally:
        admin.close()
    return {t: cfg["min.insync.replicas"]["value"] for t, cfg in got["topic"].items()}


def _wait_isr_full(settings: Settings, topics, timeout_s: float) -> float:
    """Seconds until every partition of `topics` has all 3 replicas in sync."""
    t0 = time.monotonic()
    deadline = t0 + timeout_s
    while True:
        try:
            lagging = {tp: r["isr"] for tp, r in partition_replicas(settings, topics).items() if len(r["isr"]) < 3}
        except Exception as err:  # noqa: BLE001 - metadata may be briefly unavailable; retried
            lagging = {"metadata": str(err)}
        if not lagging:
            return time.monotonic() - t0
        assert time.monotonic() < deadline, f"ISR not full {timeout_s}s after the restart: {lagging}"
        time.sleep(0.5)


def test_kill_9_of_the_busiest_broker_loses_nothing_and_it_catches_up(cluster, tmp_path, workers):
    local, info = cluster
    settings = isolated_settings(info, tmp_path, batch_size=32)
    ensure_topics(settings)
    t = settings.topics
    flow = list(t.all())
    replicas = partition_replicas(settings, flow)
    assert replicas and all(len(r["replicas"]) == 3 for r in replicas.values()), replicas
    assert set(_min_isr(settings, flow).values()) == {"2"}

    running = {s: workers(s, settings) for s in STAGES}
    for s in STAGES:
        wait_group_stable(settings, s, 1, timeout_s=180, watch=running.values())
    # 2,000 articles, each cut to its first two paragraphs: the broker's traffic is the point here, and
    # the entities stage then costs a fifth of the CPU (the suite runs on 2 cores)
    articles = [{**a, "body": "\n\n".join(a["body"].split("\n\n")[:2])} for a in corpus_articles(N, "cluster")]
    ids = {a["id"] for a in articles}
    watcher = TopicWatcher(settings, [t.clean, t.deduped, t.entities, t.enriched, t.dlq])
    publisher = PacedPublisher(settings, articles, per_second=80)
    publisher.start()
    try:
        watcher.wait(
            lambda w: w.count(t.enriched) >= 150, "the flow to be under way", timeout_s=300, watch=running.values()
        )
        leaders = Counter(r["leader"] for r in partition_replicas(settings, flow).values())
        victim = leaders.most_common(1)[0][0]
        local.kill_broker(victim)
        killed_at = watcher.count(t.enriched)
        publisher.join_ok(timeout_s=600)
        watcher.wait(
            lambda w: ids <= set(w.ids(t.enriched)),
            f"all {N} ids with broker {victim} down",
            timeout_s=900,
            watch=running.values(),
        )
    finally:
        publisher.join(5)
    watcher.poll()
    lost = len(ids - set(watcher.ids(t.enriched)))
    after = partition_replicas(settings, flow)
    assert all(r["leader"] != victim for r in after.values()), "a partition is still led by the dead broker"

    restart_s = local.start_broker(victim)
    catch_up_s = _wait_isr_full(settings, flow, timeout_s=180)
    assert watcher.count(t.dlq) == 0, f"dead letters: {[r.headers for r in watcher.records[t.dlq]][:3]}"
    repeats = {
        topic: assert_redeliveries_identical(watcher, topic) for topic in (t.clean, t.deduped, t.entities, t.enriched)
    }
    for w in running.values():
        assert w.alive(), f"{w.stage} worker died when broker {victim} was killed:\n{w.log()[-3000:]}"
    print(
        f"killed broker {victim} (led {leaders[victim]} of {len(after)} partitions) at {killed_at} enriched; "
        f"articles lost: {lost}; repeats {repeats}; restarted in {restart_s:.1f} s, ISR full again "
        f"{catch_up_s:.1f} s later"
    )
    assert lost == 0
    watcher.close()
