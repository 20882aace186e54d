"""The kafka-python client side of newsflow: topic admin, publishing and tailing.

Usable from Python:

    from shared.adapters.kafka import Publisher, tail, ensure_topics
    settings = Settings.from_env()
    ensure_topics(settings)
    with Publisher(settings) as pub:
        pub.publish({"body": "..."})
    for record in tail(settings, settings.topics.enriched, from_beginning=True, max_messages=10):
        print(record.value)
"""
from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.errors import KafkaError
from kafka.structs import TopicPartition

from shared.core.codec import dumps
from shared.core.settings import Settings

log = logging.getLogger(__name__)
# kafka-python warns for every faust group member: faust's subscription metadata is not the standard one.
logging.getLogger("kafka.admin._groups").setLevel(logging.ERROR)


def compression_type(settings: Settings, raw: bool = False) -> str | None:
    """The producer compression codec of the settings (None for "none"); `raw`: of the raw topic's publisher."""
    name, value = ("NEWSFLOW_RAW_COMPRESSION", settings.raw_compression) if raw else ("NEWSFLOW_COMPRESSION", settings.compression)
    codec = value.lower()
    if codec not in ("lz4", "zstd", "gzip", "snappy", "none"):
        raise ValueError(f"{name}={value!r}: use lz4, zstd, gzip, snappy or none")
    return None if codec == "none" else codec


def security_config(settings: Settings) -> dict[str, Any]:
    """kafka-python keyword arguments for the configured SASL/SSL settings (secrets never logged)."""
    cfg: dict[str, Any] = {"security_protocol": settings.kafka_security_protocol}
    if settings.kafka_sasl_password:
        _quiet_kafka_python_debug()
    if settings.kafka_sasl_mechanism:
        cfg["sasl_mechanism"] = settings.kafka_sasl_mechanism
        cfg["sasl_plain_username"] = settings.kafka_sasl_username
        cfg["sasl_plain_password"] = settings.kafka_sasl_password
    if settings.kafka_ssl_cafile:
        cfg["ssl_cafile"] = settings.kafka_ssl_cafile
    return cfg


def _quiet_kafka_python_debug() -> None:
    """kafka-python logs its configuration and the SASL handshake bytes, password included, at DEBUG:
    with a password configured its loggers stay at INFO or above, whatever the root level."""
    logger = logging.getLogger("kafka")
    if logger.getEffectiveLevel() < logging.INFO:
        logger.setLevel(logging.INFO)


def ensure_topics(settings: Settings, topics: Iterable[str] | None = None, timeout_s: float = 30.0) -> list[str]:
    """Create the flow's topics (or `topics`) with the configured partition count; return those created."""
    names = list(topics) if topics is not None else list(settings.topics.all())
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap, client_id="newsflow-admin",
                             request_timeout_ms=int(timeout_s * 1000), **security_config(settings))
    try:
        existing = set(admin.list_topics())
        missing = [n for n in names if n not in existing]
        if missing:
            # A topic a stage produces to accepts an output or dead letter up to max_message_bytes plus
            # record overhead (a broker's default of about 1 MB would refuse it for ever). The raw topic
            # takes whole web pages (a compressed batch up to raw_topic_max_message_bytes), so that a page
            # over the pipeline's raw limit still reaches normalize and the DLQ with its reason.
            configs = {"max.message.bytes": str(settings.max_message_bytes + 65_536)}
            raw_configs = {"max.message.bytes": str(settings.raw_topic_max_message_bytes)}
            spec = {n: {"num_partitions": settings.partitions, "replication_factor": settings.replication_factor,
                        "configs": raw_configs if n == settings.topics.raw else configs} for n in missing}
            admin.create_topics(spec, timeout_ms=int(timeout_s * 1000), raise_errors=False, wait_for_metadata=True)
            log.info("created topics %s with %d partitions", missing, settings.partitions)
        return missing
    finally:
        admin.close()


def delete_topics(settings: Settings, topics: Iterable[str]) -> None:
    """Delete topics (tests use it to clean up their own)."""
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap, client_id="newsflow-admin",
                             **security_config(settings))
    try:
        admin.delete_topics(list(topics), raise_errors=False)
    finally:
        admin.close()


def wait_for_broker(settings: Settings, timeout_s: float = 60.0) -> None:
    """Block until the broker answers a metadata request, or raise TimeoutError."""
    deadline = time.monotonic() + timeout_s
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap, client_id="newsflow-probe",
                                     request_timeout_ms=5000, **security_config(settings))
            admin.list_topics()
            admin.close()
            return
        except KafkaError as err:
            last = err
            time.sleep(0.2)
    raise TimeoutError(f"no Kafka broker answered at {settings.kafka_bootstrap} within {timeout_s}s: {last}")


def group_assignments(settings: Settings, group: str, topic: str) -> tuple[str, list[set[int]]]:
    """A consumer group's state and each member's partitions of `topic`."""
    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap, client_id="newsflow-admin",
                             **security_config(settings))
    try:
        desc = admin.describe_groups([group])[group]
    finally:
        admin.close()
    members = []
    for member in desc["members"]:
        assignment = member["member_assignment"]
        parts: set[int] = set()
        assigned = (assignment.get("assigned_partitions", []) if isinstance(assignment, dict)
                    else getattr(assignment, "assigned_partitions", None) or [])
        for tp in assigned:
            tp_topic = tp["topic"] if isinstance(tp, dict) else tp.topic
            if tp_topic == topic:
                parts.update(tp["partitions"] if isinstance(tp, dict) else tp.partitions)
        members.append(parts)
    return desc["group_state"], members


def wait_for_group(settings: Settings, group: str, topic: str, members: int, timeout_s: float = 120.0,
                   alive=lambda: True) -> list[set[int]]:
    """Block until `group` is Stable with `members` members that all hold partitions of `topic`."""
    deadline = time.monotonic() + timeout_s
    state, parts = "", []
    while time.monotonic() < deadline:
        try:
            state, parts = group_assignments(settings, group, topic)
        except KafkaError:  # no coordinator elected yet on a fresh broker
            state, parts = "no coordinator", []
        if state == "Stable" and len(parts) == members and all(parts):
            return parts
        if not alive():
            raise RuntimeError(f"a member of {group} exited while waiting for the group")
        time.sleep(0.3)
    raise TimeoutError(f"group {group} not Stable with {members} member(s) on {topic}: {state} {parts}")


def article_key(article: Mapping[str, Any] | bytes) -> bytes | None:
    """The message key of a raw article: its id when it has one (Kafka key = article id)."""
    if isinstance(article, Mapping) and article.get("id") is not None:
        return str(article["id"]).encode("utf-8")
    return None


class Publisher:
    """A kafka-python producer of raw articles: idempotent, acks=all, batched, compressed as configured."""

    def __init__(self, settings: Settings, topic: str | None = None) -> None:
        self.settings = settings
        self.topic = topic or settings.topics.raw
        self._producer = KafkaProducer(
            bootstrap_servers=settings.kafka_bootstrap,
            client_id="newsflow-publisher",
            acks="all",
            enable_idempotence=True,
            compression_type=compression_type(settings, raw=self.topic == settings.topics.raw),
            linger_ms=5,
            max_request_size=max(1_048_576, self._max_bytes(settings) + 65_536),
            **security_config(settings),
        )

    def _max_bytes(self, settings: Settings) -> int:
        # raw articles may be whole web pages (settings.max_raw_message_bytes); other topics carry events
        return settings.max_raw_message_bytes if self.topic == settings.topics.raw else settings.max_message_bytes

    def publish(self, article: Mapping[str, Any] | bytes, key: bytes | None = None,
                headers: list[tuple[str, bytes]] | None = None):
        """Send one article (a dict, or bytes sent as they are); returns kafka-python's future."""
        value = article if isinstance(article, (bytes, bytearray)) else dumps(article)
        return self._producer.send(self.topic, value=bytes(value), key=key if key is not None else article_key(article),
                                   headers=headers)

    def publish_many(self, articles: Iterable[Mapping[str, Any] | bytes]) -> int:
        """Send many articles and wait until the broker has them all; returns the count."""
        futures = [self.publish(a) for a in articles]
        self._producer.flush()
        for f in futures:
            f.get(timeout=60)
        return len(futures)

    def flush(self) -> None:
        """Wait until every sent article is acknowledged."""
        self._producer.flush()

    def close(self) -> None:
        """Flush and close the producer."""
        self._producer.close()

    def __enter__(self) -> "Publisher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@dataclass(frozen=True)
class Record:
    """One consumed message."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...]
    timestamp_ms: int

    def header(self, name: str) -> str | None:
        """A header's value as text, or None."""
        for k, v in self.headers:
            if k == name:
                return v.decode("utf-8", "replace") if v is not None else None
        return None


def tail(settings: Settings, topic: str | None = None, *, from_beginning: bool = False,
         max_messages: int | None = None, timeout_s: float | None = 10.0,
         group_id: str | None = None) -> Iterator[Record]:
    """Yield messages of a topic (default articles.enriched) until `max_messages` or `timeout_s` of silence.

    Without `group_id` the consumer reads every partition directly (no group, no commits).
    """
    topic = topic or settings.topics.enriched
    consumer = KafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap,
        group_id=group_id,
        auto_offset_reset="earliest" if from_beginning else "latest",
        enable_auto_commit=False,
        consumer_timeout_ms=int(timeout_s * 1000) if timeout_s else float("inf"),
        fetch_max_bytes=max(52_428_800, settings.max_message_bytes * 2),
        max_partition_fetch_bytes=max(1_048_576, settings.max_message_bytes + 65_536),
        **security_config(settings),
    )
    try:
        if group_id is None:
            partitions = _partitions_of(consumer, topic)
            consumer.assign(partitions)
            if from_beginning:
                consumer.seek_to_beginning(*partitions)
            else:
                consumer.seek_to_end(*partitions)
        else:
            consumer.subscribe([topic])
        n = 0
        for msg in consumer:
            yield Record(msg.topic, msg.partition, msg.offset, msg.key, msg.value,
                         tuple(msg.headers or ()), msg.timestamp)
            n += 1
            if max_messages is not None and n >= max_messages:
                return
    finally:
        consumer.close()


def _partitions_of(consumer: KafkaConsumer, topic: str, timeout_s: float = 30.0) -> list[TopicPartition]:
    deadline = time.monotonic() + timeout_s
    while True:
        parts = consumer.partitions_for_topic(topic)
        if parts:
            return [TopicPartition(topic, p) for p in sorted(parts)]
        if time.monotonic() > deadline:
            raise TimeoutError(f"topic {topic!r} does not exist at {settings_hint(consumer)}")
        time.sleep(0.2)


def settings_hint(consumer: KafkaConsumer) -> str:
    """The bootstrap servers of a consumer, for error messages."""
    return str(consumer.config.get("bootstrap_servers"))
