"""Every Kafka client newsflow builds: kafka-python admin, producer and consumers, and faust's options.

The byte limits are named here once; `security_config` is the one SASL/SSL config, which
`faust_credentials` translates for the workers' faust app.

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
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.errors import KafkaError, KafkaTimeoutError, for_code
from kafka.structs import TopicPartition

from shared.core.codec import dumps
from shared.core.settings import Settings

log = logging.getLogger(__name__)
# kafka-python warns for every faust group member: faust's subscription metadata is not the standard one.
logging.getLogger("kafka.admin._groups").setLevel(logging.ERROR)

# Headroom over `max_message_bytes` for a record's key, headers and batch overhead; also the
# longest key a dead letter keeps (a longer one is cut, its length in a header).
RECORD_OVERHEAD_BYTES = 65_536
MAX_KEY_BYTES = RECORD_OVERHEAD_BYTES
# Kafka's default request and partition-fetch size (1 MiB): the floor of ours.
MIN_REQUEST_BYTES = 1_048_576
# kafka-python's default fetch_max_bytes (50 MiB) over all partitions of one fetch: the floor of ours.
MIN_FETCH_BYTES = 52_428_800
# faust's (aiokafka's) fetch size floor.
MIN_FAUST_FETCH_BYTES = 4 * 1024 * 1024


def record_limit(settings: Settings) -> int:
    """The largest record a newsflow producer sends or a consumer fetches from one partition."""
    return max(MIN_REQUEST_BYTES, settings.max_message_bytes + RECORD_OVERHEAD_BYTES)


def fetch_limit(settings: Settings) -> int:
    """The most bytes a kafka-python consumer fetches in one request, over all partitions."""
    return max(MIN_FETCH_BYTES, settings.max_message_bytes * 2)


def compression_type(settings: Settings, raw: bool = False) -> str | None:
    """The producer compression codec of the settings (None for "none"); `raw`: of the raw topic's publisher."""
    name, value = (
        ("NEWSFLOW_RAW_COMPRESSION", settings.raw_compression)
        if raw
        else ("NEWSFLOW_COMPRESSION", settings.compression)
    )
    codec = value.lower()
    if codec not in ("lz4", "zstd", "gzip", "snappy", "none"):
        raise ValueError(f"{name}={value!r}: use lz4, zstd, gzip, snappy or none")
    return None if codec == "none" else codec


def security_config(settings: Settings) -> dict[str, Any]:
    """kafka-python keyword arguments for the configured SASL/SSL settings (secrets never logged)."""
    cfg: dict[str, Any] = {"security_protocol": settings.kafka_security_protocol}
    if settings.kafka_sasl_password:
        _quiet_kafka_python_debug()
    if settings.kafka_sasl_mechanism or "SASL" in settings.kafka_security_protocol.upper():
        cfg["sasl_mechanism"] = settings.kafka_sasl_mechanism or "PLAIN"
        cfg["sasl_plain_username"] = settings.kafka_sasl_username
        cfg["sasl_plain_password"] = settings.kafka_sasl_password
    if settings.kafka_ssl_cafile:
        cfg["ssl_cafile"] = settings.kafka_ssl_cafile
    return cfg


def faust_credentials(settings: Settings) -> Any:
    """faust credentials for the same SASL/SSL config as `security_config`, or None for PLAINTEXT."""
    import faust

    cfg = security_config(settings)
    proto = str(cfg["security_protocol"]).upper()
    if proto == "PLAINTEXT":
        return None
    ssl_context = None
    if "SSL" in proto:
        import ssl

        ssl_context = ssl.create_default_context(cafile=cfg.get("ssl_cafile"))
    if "SASL" in proto:
        return faust.SASLCredentials(
            username=cfg.get("sasl_plain_username"),
            password=cfg.get("sasl_plain_password"),
            mechanism=cfg.get("sasl_mechanism") or "PLAIN",
            ssl_context=ssl_context,
        )
    return faust.SSLCredentials(ssl_context)


def faust_broker_url(bootstrap: str) -> str:
    """faust's broker URL for a kafka-python style bootstrap list."""
    return ";".join(f"kafka://{h.strip()}" for h in bootstrap.split(",") if h.strip())


def faust_kafka_options(settings: Settings, max_input_bytes: int | None = None) -> dict[str, Any]:
    """The Kafka client options of a worker's `faust.App`: broker, credentials, size limits, compression.

    `max_input_bytes`: the largest message the worker reads (default max_message_bytes; normalize reads pages).
    """
    largest_input = settings.max_message_bytes if max_input_bytes is None else max_input_bytes
    return {
        "broker": faust_broker_url(settings.kafka_bootstrap),
        "broker_credentials": faust_credentials(settings),
        "consumer_max_fetch_size": max(MIN_FAUST_FETCH_BYTES, largest_input + RECORD_OVERHEAD_BYTES),
        "producer_compression_type": compression_type(settings),
        "producer_max_request_size": record_limit(settings),
    }


def admin_client(settings: Settings, client_id: str = "newsflow-admin", **overrides: Any) -> KafkaAdminClient:
    """A kafka-python admin client with the configured security."""
    return KafkaAdminClient(
        bootstrap_servers=settings.kafka_bootstrap, client_id=client_id, **{**security_config(settings), **overrides}
    )


def consumer(settings: Settings, client_id: str = "newsflow-consumer", **overrides: Any) -> KafkaConsumer:
    """A kafka-python consumer (no group, no auto-commit unless overridden) that can fetch the largest record."""
    config: dict[str, Any] = dict(
        group_id=None,
        enable_auto_commit=False,
        fetch_max_bytes=fetch_limit(settings),
        max_partition_fetch_bytes=record_limit(settings),
        **security_config(settings),
    )
    return KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap, client_id=client_id, **{**config, **overrides})


def producer(settings: Settings, client_id: str = "newsflow-publisher", **overrides: Any) -> KafkaProducer:
    """A kafka-python producer: idempotent, acks=all, batched, compressed as configured, up to the record limit."""
    config: dict[str, Any] = dict(
        acks="all",
        enable_idempotence=True,
        compression_type=compression_type(settings),
        linger_ms=5,
        max_request_size=record_limit(settings),
        **security_config(settings),
    )
    return KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, client_id=client_id, **{**config, **overrides})


def _quiet_kafka_python_debug() -> None:
    """kafka-python logs its configuration and the SASL handshake bytes, password included, at DEBUG:
    with a password configured its loggers stay at INFO or above, whatever the root level."""
    logger = logging.getLogger("kafka")
    if logger.getEffectiveLevel() < logging.INFO:
        logger.setLevel(logging.INFO)


def ensure_topics(settings: Settings, topics: Iterable[str] | None = None, timeout_s: float = 30.0) -> list[str]:
    """Create the flow's topics (or `topics`) with the configured partition count; return those created."""
    names = list(topics) if topics is not None else list(settings.topics.all())
    admin = admin_client(settings, request_timeout_ms=int(timeout_s * 1000))
    try:
        existing = set(admin.list_topics())
        missing = [n for n in names if n not in existing]
        if missing:
            # A topic a stage produces to accepts an output or dead letter up to max_message_bytes plus
            # record overhead (a broker's default of about 1 MB would refuse it for ever). The raw topic
            # takes whole web pages (a compressed batch up to raw_topic_max_message_bytes), so that a
            # page over the pipeline's raw limit still reaches normalize and the DLQ with its reason.
            replication, min_isr = replication_for(settings, len(admin.describe_cluster()["brokers"]))
            durability = {"min.insync.replicas": str(min_isr)}
            configs = {"max.message.bytes": str(settings.max_message_bytes + RECORD_OVERHEAD_BYTES), **durability}
            raw_configs = {"max.message.bytes": str(settings.raw_topic_max_message_bytes), **durability}
            spec = {
                n: {
                    "num_partitions": settings.partitions,
                    "replication_factor": replication,
                    "configs": raw_configs if n == settings.topics.raw else configs,
                }
                for n in missing
            }
            admin.create_topics(spec, timeout_ms=int(timeout_s * 1000), raise_errors=False, wait_for_metadata=True)
            log.info(
                "created topics %s with %d partitions, replication factor %d, min.insync.replicas %d",
                missing,
                settings.partitions,
                replication,
                min_isr,
            )
        return missing
    finally:
        admin.close()


def replication_for(settings: Settings, brokers: int) -> tuple[int, int]:
    """(replication factor, min.insync.replicas) of the topics newsflow creates on a cluster of `brokers`.

    NEWSFLOW_REPLICATION_FACTOR wins when set (> 0); else 3 on 3 or more brokers, the broker count below.
    With acks=all, min ISR = RF - 1 (at least 1): one broker may be down and every write still has two copies.
    """
    replication = settings.replication_factor if settings.replication_factor > 0 else min(3, max(1, brokers))
    return replication, max(1, min(2, replication - 1))


def partition_replicas(
    settings: Settings, topics: Iterable[str], timeout_s: float = 30.0
) -> dict[tuple[str, int], dict]:
    """Leader, replicas and in-sync replicas of every partition of `topics`, from the cluster's metadata.

    A topic just created reaches each broker's metadata a moment later, and the broker asked may not
    know it yet: this asks again until every topic is described with its partitions, and raises
    KafkaTimeoutError naming the topics still unknown after `timeout_s`. An error no retry can mend
    (a topic not authorized, an invalid name) is raised at once, as Kafka's error for it.
    """
    names = list(topics)
    deadline = time.monotonic() + timeout_s
    admin = admin_client(settings)
    try:
        while True:
            described = {t["name"]: t for t in admin.describe_topics(names)}
            unknown = {
                n: for_code(described[n]["error_code"]).__name__ if n in described else "not in the answer"
                for n in names
                if n not in described or described[n]["error_code"] or not described[n]["partitions"]
            }
            if not unknown:
                break
            final = [(n, described[n]["error_code"]) for n in unknown if n in described and described[n]["error_code"]]
            final = [(n, code) for n, code in final if not for_code(code).retriable]
            if final:
                name, code = final[0]
                raise for_code(code)(f"describing topic {name!r}")
            if time.monotonic() >= deadline:
                raise KafkaTimeoutError(f"topics not in the cluster's metadata after {timeout_s}s: {unknown}")
            time.sleep(0.2)
    finally:
        admin.close()
    return {
        (name, p["partition_index"]): {
            "leader": p["leader_id"],
            "replicas": list(p["replica_nodes"]),
            "isr": list(p["isr_nodes"]),
        }
        for name, t in described.items()
        for p in t["partitions"]
    }


def delete_topics(settings: Settings, topics: Iterable[str]) -> None:
    """Delete topics (tests use it to clean up their own)."""
    admin = admin_client(settings)
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
            admin = admin_client(settings, "newsflow-probe", request_timeout_ms=5000)
            admin.list_topics()
            admin.close()
            return
        except KafkaError as err:
            last = err
            time.sleep(0.2)
    raise TimeoutError(f"no Kafka broker answered at {settings.kafka_bootstrap} within {timeout_s}s: {last}")


def group_assignments(settings: Settings, group: str, topic: str) -> tuple[str, list[set[int]]]:
    """A consumer group's state and each member's partitions of `topic`."""
    admin = admin_client(settings)
    try:
        desc = admin.describe_groups([group])[group]
    finally:
        admin.close()
    members = []
    for member in desc["members"]:
        assignment = member["member_assignment"]
        parts: set[int] = set()
        assigned = (
            assignment.get("assigned_partitions", [])
            if isinstance(assignment, dict)
            else getattr(assignment, "assigned_partitions", None) or []
        )
        for tp in assigned:
            tp_topic = tp["topic"] if isinstance(tp, dict) else tp.topic
            if tp_topic == topic:
                parts.update(tp["partitions"] if isinstance(tp, dict) else tp.partitions)
        members.append(parts)
    return desc["group_state"], members


def wait_for_group(
    settings: Settings, group: str, topic: str, members: int, timeout_s: float = 120.0, alive=lambda: True
) -> list[set[int]]:
    """Block until `group` is Stable with `members` members that all hold partitions of `topic`."""
    deadline = time.monotonic() + timeout_s
    state, parts = "", []  # type: tuple[str, list[set[int]]]
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
        raw = self.topic == settings.topics.raw
        self._producer = producer(
            settings,
            compression_type=compression_type(settings, raw=raw),
            max_request_size=max(MIN_REQUEST_BYTES, self._max_bytes(settings) + RECORD_OVERHEAD_BYTES),
        )

    def _max_bytes(self, settings: Settings) -> int:
        # raw articles may be whole web pages (settings.max_raw_message_bytes); other topics carry events
        return settings.max_raw_message_bytes if self.topic == settings.topics.raw else settings.max_message_bytes

    def publish(
        self,
        article: Mapping[str, Any] | bytes,
        key: bytes | None = None,
        headers: list[tuple[str, bytes]] | None = None,
    ):
        """Send one article (a dict, or bytes sent as they are); returns kafka-python's future."""
        value = article if isinstance(article, (bytes, bytearray)) else dumps(article)
        return self._producer.send(
            self.topic, value=bytes(value), key=key if key is not None else article_key(article), headers=headers
        )

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


def tail(
    settings: Settings,
    topic: str | None = None,
    *,
    from_beginning: bool = False,
    max_messages: int | None = None,
    timeout_s: float | None = 10.0,
    group_id: str | None = None,
) -> Iterator[Record]:
    """Yield messages of a topic (default articles.enriched) until `max_messages` or `timeout_s` of silence.

    Without `group_id` the consumer reads every partition directly (no group, no commits).
    """
    topic = topic or settings.topics.enriched
    reader = consumer(
        settings,
        "newsflow-tail",
        group_id=group_id,
        auto_offset_reset="earliest" if from_beginning else "latest",
        consumer_timeout_ms=int(timeout_s * 1000) if timeout_s else float("inf"),
    )
    try:
        if group_id is None:
            partitions = partitions_of(reader, topic)
            reader.assign(partitions)
            if from_beginning:
                reader.seek_to_beginning(*partitions)
            else:
                reader.seek_to_end(*partitions)
        else:
            reader.subscribe([topic])
        n = 0
        for msg in reader:
            yield Record(
                msg.topic, msg.partition, msg.offset, msg.key, msg.value, tuple(msg.headers or ()), msg.timestamp
            )
            n += 1
            if max_messages is not None and n >= max_messages:
                return
    finally:
        reader.close()


def partitions_of(reader: KafkaConsumer, topic: str, timeout_s: float = 30.0) -> list[TopicPartition]:
    """Every partition of `topic`, waiting up to `timeout_s` for it to exist; TimeoutError if it does not."""
    deadline = time.monotonic() + timeout_s
    while True:
        parts = reader.partitions_for_topic(topic)
        if parts:
            return [TopicPartition(topic, p) for p in sorted(parts)]
        if time.monotonic() > deadline:
            raise TimeoutError(f"topic {topic!r} does not exist at {reader.config.get('bootstrap_servers')}")
        time.sleep(0.2)


def partitions_now(reader: KafkaConsumer, topic: str) -> list[TopicPartition]:
    """The partitions of `topic` the client knows of now (none when it does not exist yet)."""
    return [TopicPartition(topic, p) for p in sorted(reader.partitions_for_topic(topic) or ())]


def end_offset_total(reader: KafkaConsumer, partitions: list[TopicPartition]) -> int:
    """The sum of the partitions' end offsets: how many records the topic has ever held."""
    return sum(reader.end_offsets(partitions).values()) if partitions else 0


__all__ = [
    "RECORD_OVERHEAD_BYTES",
    "MAX_KEY_BYTES",
    "MIN_REQUEST_BYTES",
    "MIN_FETCH_BYTES",
    "MIN_FAUST_FETCH_BYTES",
    "record_limit",
    "fetch_limit",
    "compression_type",
    "security_config",
    "faust_credentials",
    "faust_broker_url",
    "faust_kafka_options",
    "admin_client",
    "consumer",
    "producer",
    "ensure_topics",
    "delete_topics",
    "wait_for_broker",
    "group_assignments",
    "wait_for_group",
    "article_key",
    "Publisher",
    "Record",
    "tail",
    "partitions_of",
    "partitions_now",
    "end_offset_total",
]
