"""The kafka-python adapters against a real broker."""

import orjson
import pytest
from conftest import isolated_settings
from kafka.errors import KafkaTimeoutError

from shared.adapters.kafka import Publisher, admin_client, ensure_topics, partition_replicas, tail

pytestmark = pytest.mark.integration


def test_ensure_topics_creates_every_topic_with_its_partitions_once(stack, tmp_path):
    settings = isolated_settings(stack, tmp_path, partitions=4)
    created = ensure_topics(settings)
    assert sorted(created) == sorted(settings.topics.all())
    assert ensure_topics(settings) == []
    admin = admin_client(settings)
    try:
        described = {t["name"]: t for t in admin.describe_topics(list(settings.topics.all()))}
    finally:
        admin.close()
    assert all(len(described[name]["partitions"]) == 4 for name in settings.topics.all())


def test_topics_are_created_to_accept_messages_up_to_the_configured_maximum(stack, tmp_path):
    from kafka.admin import ConfigResource, ConfigResourceType

    settings = isolated_settings(stack, tmp_path, max_message_bytes=3_000_000)
    ensure_topics(settings, [settings.topics.clean])
    admin = admin_client(settings)
    try:
        result = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, settings.topics.clean)])
    finally:
        admin.close()
    text = repr(result)
    assert "max.message.bytes" in text and "3065536" in text, text[:2000]
    big = b'{"body": "' + b"x" * 2_900_000 + b'"}'
    with Publisher(settings, topic=settings.topics.clean) as pub:
        pub.publish(big, key=b"big").get(timeout=60)
    (record,) = list(tail(settings, settings.topics.clean, from_beginning=True, max_messages=1, timeout_s=30))
    assert record.value == big


def test_published_articles_are_keyed_by_id_and_tail_reads_them_back(stack, tmp_path):
    settings = isolated_settings(stack, tmp_path)
    ensure_topics(settings)
    articles = [{"id": f"art-{i}", "body": f"Body {i}."} for i in range(20)]
    with Publisher(settings) as pub:
        assert pub.publish_many(articles) == 20
    records = list(tail(settings, settings.topics.raw, from_beginning=True, max_messages=20, timeout_s=15))
    assert sorted(r.key.decode() for r in records) == sorted(a["id"] for a in articles)
    assert {orjson.loads(r.value)["id"] for r in records} == {a["id"] for a in articles}
    by_key = {}
    for r in records:  # Kafka key = article id, so one article always lands on one partition
        by_key.setdefault(r.key, set()).add(r.partition)
    assert all(len(p) == 1 for p in by_key.values())
    assert len({r.partition for r in records}) > 1


def test_bytes_are_published_unchanged(stack, tmp_path):
    settings = isolated_settings(stack, tmp_path)
    ensure_topics(settings)
    raw = b"\xff\x00 not json"
    with Publisher(settings) as pub:
        pub.publish(raw, key=b"k").get(timeout=30)
    (record,) = list(tail(settings, settings.topics.raw, from_beginning=True, max_messages=1, timeout_s=15))
    assert record.value == raw and record.key == b"k"


def test_partition_replicas_names_a_topic_the_cluster_does_not_know_instead_of_leaving_it_out(stack, tmp_path):
    settings = isolated_settings(stack, tmp_path, partitions=2)
    ensure_topics(settings, [settings.topics.clean])
    known = partition_replicas(settings, [settings.topics.clean])
    assert sorted(known) == [(settings.topics.clean, 0), (settings.topics.clean, 1)]
    assert all(r["leader"] in r["replicas"] and r["isr"] for r in known.values())
    never_made = f"{settings.topics.clean}-never-made"
    with pytest.raises(KafkaTimeoutError, match=never_made):
        partition_replicas(settings, [settings.topics.clean, never_made], timeout_s=1.0)


def test_partition_replicas_raises_an_error_no_retry_mends_at_once(stack, tmp_path):
    from kafka.errors import InvalidTopicError

    settings = isolated_settings(stack, tmp_path, partitions=1)
    with pytest.raises(InvalidTopicError, match="bad topic"):
        partition_replicas(settings, ["bad topic!"], timeout_s=30.0)
