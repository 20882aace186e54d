"""A stage worker on the real broker: dead letters, and two workers sharing one group."""

import pytest
from conftest import collect, decode_values, isolated_settings

from shared.adapters.kafka import Publisher, ensure_topics, wait_for_group

pytestmark = pytest.mark.integration


def test_invalid_events_go_to_the_dlq_with_reason_and_the_next_article_flows(stack, tmp_path, workers):
    settings = isolated_settings(stack, tmp_path)
    ensure_topics(settings)
    worker = workers("normalize", settings)
    with Publisher(settings) as pub:
        pub.publish(b"this is not JSON {", key=b"bad-1").get(timeout=30)
        pub.publish({"id": "bad-2", "title": "no body here"}).get(timeout=30)
        pub.publish({"id": "good-1", "body": "CMSD\nA real story follows.\nB.Chan--ThChM"}).get(timeout=30)
    dead = collect(settings, settings.topics.dlq, 2, watch=[worker])
    clean = collect(settings, settings.topics.clean, 1, watch=[worker])
    assert len(dead) == 2
    by_key = {r.key: r for r in dead}
    assert by_key[b"bad-1"].value == b"this is not JSON {"
    assert "not JSON" in by_key[b"bad-1"].header("newsflow.error")
    assert "no 'body'" in by_key[b"bad-2"].header("newsflow.error")
    for r in dead:
        assert r.header("newsflow.stage") == "normalize"
        assert r.header("newsflow.source.topic") == settings.topics.raw
        assert int(r.header("newsflow.source.offset")) >= 0
    (good,) = decode_values(clean)
    assert good["id"] == "good-1" and good["text"] == "A real story follows."
    assert good["signature"] == "B.Chan--ThChM"


def test_two_workers_in_one_group_split_partitions_and_lose_nothing(stack, tmp_path, workers):
    settings = isolated_settings(stack, tmp_path)
    ensure_topics(settings)
    pair = [workers("normalize", settings, name="a"), workers("normalize", settings, name="b")]
    a, b = wait_for_group(
        settings, settings.group_id("normalize"), settings.topics.raw, 2, alive=lambda: all(w.alive() for w in pair)
    )
    assert not (a & b) and a | b == set(range(settings.partitions))
    ids = [f"scale-{i}" for i in range(300)]
    with Publisher(settings) as pub:
        records = [pub.publish({"id": i, "body": f"Story number {i}."}) for i in ids]
        pub.flush()
        partitions = {r.get(timeout=30).partition for r in records}
    assert partitions & a and partitions & b  # both workers had articles to process
    out = decode_values(collect(settings, settings.topics.clean, len(ids), watch=pair))
    got = [o["id"] for o in out]
    assert sorted(got) == sorted(ids)
