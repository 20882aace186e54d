"""Kafka and Redis restarted (kill -9) under a flowing pipeline: workers reconnect by themselves.

The broker is killed and started again on the same port and data while articles flow
through a worker of every stage; Redis is killed and restarted under the dedup worker
while originals and their copies flow. Nothing is lost, every repeat is identical, and
every copy keeps its verdict "duplicate of the original" across the Redis crash (the
stack's Redis fsyncs its append-only file before it replies: docs/reliability.md).
These tests restart the session's servers, so they wait until both serve again.
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

from shared.adapters.kafka import ensure_topics, wait_for_broker
from shared.core.settings import STAGES

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _local(stack):
    if stack.stack is None:
        pytest.skip("the servers were given by NEWSFLOW_TEST_*; these tests restart servers they started")
    return stack.stack


def test_broker_kill_9_and_restart_mid_stream_loses_nothing(stack, tmp_path, workers):
    local = _local(stack)
    settings = isolated_settings(stack, tmp_path, batch_size=32)
    ensure_topics(settings)
    t = settings.topics
    running = [workers(s, settings) for s in STAGES]
    for s in STAGES:
        wait_group_stable(settings, s, 1, watch=running)
    articles = corpus_articles(600, "broker")
    ids = {a["id"] for a in articles}
    watcher = TopicWatcher(settings, [t.clean, t.deduped, t.entities, t.enriched])
    publisher = PacedPublisher(settings, articles, per_second=40)
    publisher.start()
    try:
        watcher.wait(lambda w: w.count(t.enriched) >= 100, "the flow to be under way", timeout_s=180, watch=running)
        local.restart_kafka(kill=True)
        wait_for_broker(settings, timeout_s=120)
        publisher.join_ok()
        watcher.wait(
            lambda w: ids <= set(w.ids(t.enriched)),
            f"all {len(ids)} ids after the broker restart",
            timeout_s=420,
            watch=running,
        )
    finally:
        publisher.join(5)
    for topic in (t.clean, t.deduped, t.entities, t.enriched):
        assert_redeliveries_identical(watcher, topic)
    for w in running:
        assert w.alive(), f"{w.stage} worker died when the broker restarted:\n{w.log()[-3000:]}"
    watcher.close()


def test_redis_kill_9_and_restart_under_dedup_keeps_every_verdict(stack, tmp_path, workers):
    local = _local(stack)
    settings = isolated_settings(stack, tmp_path, batch_size=16)
    ensure_topics(settings)
    t = settings.topics
    running = [workers("normalize", settings), workers("dedup", settings)]
    for s in ("normalize", "dedup"):
        wait_group_stable(settings, s, 1, watch=running)
    originals = corpus_articles(500, "redis")
    # a copy (new id, same text) of every 5th original, published well after it
    copies = [{**a, "id": a["id"] + "-copy"} for a in originals[::5]]
    stream = originals[:250] + copies[:25] + originals[250:] + copies[25:]
    ids = {a["id"] for a in stream}
    watcher = TopicWatcher(settings, [t.deduped])
    publisher = PacedPublisher(settings, stream, per_second=60)
    publisher.start()
    try:
        watcher.wait(lambda w: w.count(t.deduped) >= 200, "the flow to be under way", timeout_s=120, watch=running)
        local.kill_redis()
        # keep it down until the dedup worker has failed a batch on it (and is retrying it)
        dedup = running[1]
        watcher.wait(
            lambda w: "step=process failed" in dedup.log(),
            "the dedup worker to notice Redis is down",
            timeout_s=120,
            watch=running,
        )
        local.start_redis()
        publisher.join_ok()
        watcher.wait(
            lambda w: ids <= set(w.ids(t.deduped)),
            f"all {len(ids)} ids after the Redis restart",
            timeout_s=300,
            watch=running,
        )
    finally:
        publisher.join(5)
    assert_redeliveries_identical(watcher, t.deduped)
    verdicts = {e["id"]: e["dedup"] for e in watcher.values(t.deduped)}
    wrong = wrong_copy_verdicts(copies, verdicts)
    assert not wrong, f"copies judged wrongly after the Redis crash: {wrong[:5]}"
    log = running[1].log()
    assert running[1].alive(), f"dedup worker died:\n{log[-3000:]}"
    watcher.close()
