"""Bad input and one huge article through the real broker and a worker of every stage.

Every input of tests/bad_inputs.py (a 50 MB message among them) is either enriched or
lands on articles.dlq with its original bytes (the head of them, with size and SHA-256,
when larger than the limit), the stage, the error and the source topic/partition/offset;
no worker dies and the good article published after them flows. A body near the size
limit keeps its worker in the group and does not stall its partition.
"""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest
from bad_inputs import BAD_INPUTS, GOOD
from conftest import isolated_settings
from faults_support import TopicWatcher, corpus_articles, header, wait_group_stable
from kafka import KafkaProducer

from newsflow.bootstrap import build_pipeline
from newsflow.inputs import InputItem
from shared.adapters.kafka import Publisher, admin_client, ensure_topics, producer
from shared.core.settings import STAGES

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _raw_producer(settings) -> KafkaProducer:
    """A producer that, unlike `Publisher`, sends messages far over the pipeline's limit (as a hostile peer)."""
    return producer(
        settings,
        "newsflow-test-hostile",
        enable_idempotence=False,
        compression_type=None,
        linger_ms=0,
        max_request_size=60 * 1024 * 1024,
    )


def test_bad_inputs_are_dead_lettered_with_their_origin_or_enriched_and_workers_survive(stack, tmp_path, workers):
    settings = isolated_settings(stack, tmp_path)
    ensure_topics(settings)
    t = settings.topics
    running = [workers(s, settings) for s in STAGES]
    names = list(BAD_INPUTS)
    producer = _raw_producer(settings)
    try:
        for i, name in enumerate(names):  # all on one partition, in order, then the good article last
            producer.send(t.raw, key=f"bad-{i:02d}".encode(), value=BAD_INPUTS[name][0], partition=0).get(timeout=60)
        producer.send(t.raw, key=b"good-after", value=GOOD, partition=0).get(timeout=60)
    finally:
        producer.close()
    expected_dead = {f"bad-{i:02d}".encode(): n for i, n in enumerate(names) if BAD_INPUTS[n][1].startswith("dlq:")}
    ok_items = [InputItem(n, BAD_INPUTS[n][0]) for n in names if BAD_INPUTS[n][1] == "ok"] + [InputItem("good", GOOD)]
    normalize = build_pipeline(settings, ["normalize"])
    expected_ids = Counter(e.id for e in normalize.run_batch(ok_items))
    watcher = TopicWatcher(settings, [t.enriched, t.dlq])
    watcher.wait(
        lambda w: w.count(t.dlq) >= len(expected_dead) and sum(w.ids(t.enriched).values()) >= len(ok_items),
        "every bad input enriched or dead-lettered",
        timeout_s=300,
        watch=running,
    )
    watcher.poll()
    assert watcher.ids(t.enriched) == expected_ids, "exactly the acceptable inputs are enriched"
    dead = {r.key: r for r in watcher.records[t.dlq]}
    assert set(dead) == set(expected_dead), f"dead letters {sorted(dead)} != expected {sorted(expected_dead)}"
    max_bytes = settings.max_message_bytes
    for key, name in expected_dead.items():
        r, (original, expected) = dead[key], BAD_INPUTS[name]
        assert header(r, "newsflow.stage") == "normalize", name
        assert expected[4:] in header(r, "newsflow.error"), f"{name}: reason {header(r, 'newsflow.error')!r}"
        assert header(r, "newsflow.source.topic") == t.raw and header(r, "newsflow.source.partition") == "0", name
        assert int(header(r, "newsflow.source.offset")) == names.index(name), f"{name}: source offset"
        if original is not None and len(original) > max_bytes:
            assert header(r, "newsflow.truncated") == "true", name
            assert int(header(r, "newsflow.original.bytes")) == len(original), name
            assert header(r, "newsflow.original.sha256") == hashlib.sha256(original).hexdigest(), name
            assert r.value == original[:max_bytes], f"{name}: the head of the original bytes"
        else:
            assert r.value == original, f"{name}: the original bytes"
    for w in running:
        assert w.alive(), f"worker {w.stage} died:\n{w.log()[-3000:]}"
        assert "Traceback" not in w.log(), f"worker {w.stage} logged a traceback:\n{w.log()[-3000:]}"
    watcher.close()


def _members(settings, stage: str) -> set[str]:
    admin = admin_client(settings)
    try:
        return {
            m["member_id"]
            for m in admin.describe_groups([settings.group_id(stage)])[settings.group_id(stage)]["members"]
        }
    finally:
        admin.close()


def test_a_huge_article_keeps_its_worker_in_the_group_and_the_partition_flowing(stack, tmp_path, workers):
    settings = isolated_settings(stack, tmp_path)
    ensure_topics(settings)
    t = settings.topics
    running = {s: workers(s, settings) for s in STAGES}
    for s in STAGES:
        wait_group_stable(settings, s, 1, watch=running.values())
    members_before = {s: _members(settings, s) for s in STAGES}
    corpus = corpus_articles(700, "huge")
    body = "\n\n".join(a["body"] for a in corpus)
    body = body[: settings.max_body_chars - 1000]  # just under the configurable maximum
    huge = {"id": "huge-1", "title": "Everything at once", "body": body}
    followers = corpus[:40]
    with Publisher(settings) as pub:  # same key partition for all: huge first, then the followers
        pub.publish(huge, key=b"same-partition").get(timeout=60)
        for a in followers:
            pub.publish(a, key=b"same-partition")
        pub.publish({"id": "over-limit", "body": "x" * (settings.max_body_chars + 1)}, key=b"same-partition")
        pub.flush()
    watcher = TopicWatcher(settings, [t.enriched, t.dlq])
    want = {"huge-1"} | {a["id"] for a in followers}
    watcher.wait(
        lambda w: want <= set(w.ids(t.enriched)) and w.count(t.dlq) >= 1,
        "the huge article, its followers and the over-limit dead letter",
        timeout_s=400,
        watch=running.values(),
    )
    (letter,) = watcher.records[t.dlq]
    assert "exceeds the limit of" in dict(letter.headers)["newsflow.error"].decode()
    enriched = {e["id"]: e for e in watcher.values(t.enriched)}
    assert len(enriched["huge-1"]["text"]) > 0.9 * settings.max_body_chars - 1000
    assert enriched["huge-1"]["entities"], "the huge article was really processed"
    for s in STAGES:
        assert _members(settings, s) == members_before[s], f"{s}: the worker left or was thrown out of its group"
        log = running[s].log()
        for bad in ("Heartbeat failed", "rebalance", "Traceback"):
            assert bad.lower() not in log.lower(), f"{s} worker logged {bad!r}:\n{log[-3000:]}"
    watcher.close()
