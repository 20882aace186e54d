"""The faust-streaming runner of one stage: Kafka in, stage function, Kafka out.

At-least-once: a batch's outputs (and dead letters) are acknowledged by the broker
before the batch's input offsets are acknowledged to faust, which commits them later.
A crash anywhere in between means the batch is consumed again, never lost.
"""
from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import faust
from faust.transport.drivers.aiokafka import Producer as AiokafkaProducer

from shared.core.codec import decode_raw, encode, loads
from shared.adapters.kafka import compression_type
from shared.core.events import ArticlePublished, InvalidEvent, from_dict
from shared.adapters.observability.logjson import message_fields
from shared.core.settings import Settings
from shared.core.stage import Rejected, Stage

log = logging.getLogger("newsflow.worker")

DLQ_HEADERS = ("newsflow.stage", "newsflow.error", "newsflow.source.topic",
               "newsflow.source.partition", "newsflow.source.offset")


@dataclass(frozen=True)
class InMessage:
    """What the runner needs of one consumed message."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes


@dataclass(frozen=True)
class DeadLetter:
    """An input message a stage could not process, with the reason."""

    message: InMessage
    reason: str

    def headers(self, stage: str) -> list[tuple[str, bytes]]:
        """Kafka headers that tell where the letter came from and why it is dead."""
        m = self.message
        values = (stage, self.reason[:4000], m.topic, str(m.partition), str(m.offset))
        return [(k, v.encode("utf-8", "replace")) for k, v in zip(DLQ_HEADERS, values)]

    def payload(self, max_bytes: int) -> tuple[bytes | None, bytes | None, list[tuple[str, bytes]]]:
        """Key, value and extra headers of the letter: the original bytes, or their head when over `max_bytes`.

        A message larger than the producer may send (a 50 MB one, say) would otherwise
        fail to reach the DLQ forever and stall its partition; its first `max_bytes` go
        instead, with its size and SHA-256 in headers.
        """
        key, value = self.message.key, self.message.value
        extra: list[tuple[str, bytes]] = []
        if value is not None and len(value) > max_bytes:
            import hashlib
            extra += [("newsflow.truncated", b"true"), ("newsflow.original.bytes", str(len(value)).encode()),
                      ("newsflow.original.sha256", hashlib.sha256(value).hexdigest().encode())]
            value = value[:max_bytes]
        if key is not None and len(key) > 65_536:
            extra.append(("newsflow.original.key.bytes", str(len(key)).encode()))
            key = key[:65_536]
        return key, value, extra


@dataclass(frozen=True)
class BatchResult:
    """Outputs to produce (key, value) and dead letters of one batch."""

    outputs: list[tuple[bytes, bytes]]
    dead: list[DeadLetter]


def decode_for(stage: Stage, value: bytes, max_bytes: int) -> Any:
    """Decode message bytes into the event type the stage reads; InvalidEvent if impossible."""
    if value is None:
        raise InvalidEvent("message has no value (tombstone)")
    if stage.reads is ArticlePublished:
        return decode_raw(value, max_bytes)
    return from_dict(stage.reads, loads(value, max_bytes))


def run_batch(stage: Stage, messages: Sequence[InMessage], max_bytes: int) -> BatchResult:
    """Decode, process and encode one batch; invalid events become dead letters, never exceptions.

    An exception from `stage.process` itself (Redis down, say) propagates: the caller
    retries the batch rather than emit wrong results.
    """
    dead: list[DeadLetter] = []
    events: list[Any] = []
    sources: list[InMessage] = []
    for m in messages:
        try:
            events.append(decode_for(stage, m.value, max_bytes))
            sources.append(m)
        except InvalidEvent as err:
            dead.append(DeadLetter(m, f"invalid event: {err}"))
        except Exception as err:  # noqa: BLE001 - decoding is pure: a retry could never succeed
            dead.append(DeadLetter(m, f"invalid event: {type(err).__name__}: {err}"))
    results = stage.process(events) if events else []
    if len(results) != len(events):
        raise RuntimeError(f"stage {stage.name} returned {len(results)} results for {len(events)} events")
    outputs: list[tuple[bytes, bytes]] = []
    for m, result in zip(sources, results):
        if isinstance(result, Rejected):
            dead.append(DeadLetter(m, f"{stage.name} failed: {result.reason}"))
            continue
        try:
            value = encode(result)
        except (TypeError, ValueError) as err:  # orjson: nesting too deep, unserialisable value
            dead.append(DeadLetter(m, f"{stage.name} output cannot be encoded: {type(err).__name__}: {err}"))
            continue
        if len(value) > max_bytes:
            dead.append(DeadLetter(m, f"{stage.name} output of {len(value)} bytes exceeds the limit of {max_bytes}"))
            continue
        outputs.append((result.id.encode("utf-8"), value))
    return BatchResult(outputs, dead)


def faust_broker_url(bootstrap: str) -> str:
    """faust's broker URL for a kafka-python style bootstrap list."""
    return ";".join(f"kafka://{h.strip()}" for h in bootstrap.split(",") if h.strip())


def faust_credentials(settings: Settings):
    """faust credentials for the configured SASL/SSL settings, or None for PLAINTEXT."""
    proto = settings.kafka_security_protocol.upper()
    if proto == "PLAINTEXT":
        return None
    ssl_context = None
    if "SSL" in proto:
        import ssl
        ssl_context = ssl.create_default_context(cafile=settings.kafka_ssl_cafile)
    if "SASL" in proto:
        return faust.SASLCredentials(username=settings.kafka_sasl_username, password=settings.kafka_sasl_password,
                                     mechanism=settings.kafka_sasl_mechanism or "PLAIN", ssl_context=ssl_context)
    return faust.SSLCredentials(ssl_context)


class IdempotentProducer(AiokafkaProducer):
    """faust's aiokafka producer with idempotence on: faust enables it only inside transactions,
    and a retried send must not write an output twice."""

    def _settings_extra(self):
        return {**super()._settings_extra(), "enable_idempotence": True}


class WorkerObserver:
    """Hooks the runner calls after each batch; metrics and dashboards subclass it. Does nothing."""

    def batch_done(self, stage: str, messages: Sequence[InMessage], result: BatchResult, seconds: float) -> None:
        """A batch was processed and its outputs acknowledged by the broker."""

    def batch_failed(self, stage: str, step: str, messages: Sequence[InMessage], error: Exception) -> None:
        """A step of a batch failed and will be retried."""


class StageWorker:
    """One stage wired to its topics in a faust app; `app` is what `faust.Worker` runs."""

    def __init__(self, settings: Settings, stage: Stage, observer: "WorkerObserver | None" = None) -> None:
        self.settings = settings
        self.stage = stage
        self.observer = observer or WorkerObserver()
        self.input_topic, self.output_topic = settings.topics.of_stage(stage.name)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"newsflow-{stage.name}")
        self.processed = 0
        self.dead_lettered = 0
        self.app = self._build_app()

    def _build_app(self) -> faust.App:
        s = self.settings
        datadir = Path(s.state_dir) / "faust"
        datadir.mkdir(parents=True, exist_ok=True)
        app = faust.App(
            s.group_id(self.stage.name),
            broker=faust_broker_url(s.kafka_bootstrap),
            broker_credentials=faust_credentials(s),
            store="memory://",
            autodiscover=False,
            datadir=str(datadir),
            web_enabled=False,
            topic_disable_leader=True,
            topic_partitions=s.partitions,
            topic_replication_factor=s.replication_factor,
            key_serializer="raw",
            value_serializer="raw",
            consumer_auto_offset_reset="earliest",
            consumer_max_fetch_size=max(4 * 1024 * 1024, s.max_input_bytes(self.stage.name) + 65_536),
            producer_acks=-1,
            producer_compression_type=compression_type(s),
            producer_max_request_size=max(1_048_576, s.max_message_bytes + 65_536),
            producer_linger=0.005,
            broker_commit_interval=1.0,
            stream_buffer_maxsize=max(4096, s.batch_size * 4),
        )
        app.transport.Producer = IdempotentProducer  # before faust creates its producer, at start-up
        source = app.topic(self.input_topic, key_type=bytes, value_type=bytes,
                           key_serializer="raw", value_serializer="raw")
        sink = app.topic(self.output_topic, key_serializer="raw", value_serializer="raw")
        dlq = app.topic(s.topics.dlq, key_serializer="raw", value_serializer="raw")

        async def consume(stream):
            # noack_take, not take_events: take_events acknowledges a batch in a `finally`,
            # even when processing was cancelled or failed; here offsets are acknowledged
            # only after the batch's outputs are on the broker.
            async for events in stream.noack_take(s.batch_size, within=s.batch_timeout_s):
                messages = [InMessage(e.message.topic, e.message.partition, e.message.offset,
                                      e.message.key, e.message.value) for e in events]
                await self.handle(messages, sink, dlq)
                for event in events:
                    await stream.ack(event)

        app.agent(source, name=f"newsflow.{self.stage.name}")(consume)
        return app

    async def handle(self, messages: list[InMessage], sink, dlq) -> None:
        """Process one batch and wait until the broker has every output.

        Error policy: an exception from the stage (Redis down) or from producing (broker
        down) is logged with topic, partition and offset and the step is retried with
        backoff until it succeeds or the worker stops; the batch's offsets are acknowledged
        only after that, so nothing is lost and nothing is skipped. Invalid events are not
        errors: they become dead letters.
        """
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        result = await self._retrying("process", messages, lambda: loop.run_in_executor(
            self._executor, run_batch, self.stage, messages, self.settings.max_input_bytes(self.stage.name)))
        for letter in result.dead:
            m = letter.message
            log.warning("dead letter: stage=%s topic=%s partition=%d offset=%d key=%r reason=%s",
                        self.stage.name, m.topic, m.partition, m.offset, (m.key or b"")[:80], letter.reason,
                        extra={"stage": self.stage.name, "reason": letter.reason[:500],
                               **message_fields(m.topic, m.partition, m.offset, m.key)})
        await self._retrying("produce", messages, lambda: self._produce(result, sink, dlq))
        self.processed += len(result.outputs)
        self.dead_lettered += len(result.dead)
        self.observer.batch_done(self.stage.name, messages, result, time.perf_counter() - started)
        if log.isEnabledFor(logging.DEBUG):
            for m in messages:
                log.debug("processed", extra={"stage": self.stage.name,
                                              **message_fields(m.topic, m.partition, m.offset, m.key)})

    async def _produce(self, result: BatchResult, sink, dlq) -> None:
        pending = [await _send_no_wait(sink, key, value) for key, value in result.outputs]
        for letter in result.dead:
            m = letter.message
            key, value, extra = letter.payload(self.settings.max_message_bytes)
            pending.append(await _send_no_wait(dlq, key, value, letter.headers(self.stage.name) + extra))
        if pending:
            await asyncio.gather(*pending)

    async def _retrying(self, step: str, messages: list[InMessage], attempt):
        delay = 0.5
        while True:
            try:
                return await attempt()
            except asyncio.CancelledError:
                raise
            except Exception as err:  # noqa: BLE001 - logged and retried; the batch stays unacknowledged
                first = messages[0]
                log.error("stage=%s step=%s failed for batch topic=%s partition=%d offset=%d size=%d: %s: %s; "
                          "retrying in %.1fs", self.stage.name, step, first.topic, first.partition, first.offset,
                          len(messages), type(err).__name__, err, delay,
                          extra={"stage": self.stage.name, "step": step, "size": len(messages),
                                 "error": f"{type(err).__name__}: {err}"[:500],
                                 **message_fields(first.topic, first.partition, first.offset, first.key)})
                self.observer.batch_failed(self.stage.name, step, messages, err)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    def close(self) -> None:
        """Release the stage's resources and the executor."""
        self._executor.shutdown(wait=True)
        self.stage.close()


async def _send_no_wait(topic, key, value, headers=None):
    """Hand a message to the producer's batch; returns the future of its delivery."""
    fut = topic.as_future_message(key=key, value=value, headers=headers)
    return await topic.publish_message(fut, wait=False)


def run_worker(settings: Settings, stage: Stage, loglevel: str = "info") -> None:
    """Run one worker of `stage` until SIGTERM/SIGINT; topics are created first if missing."""
    from shared.adapters.kafka import ensure_topics, wait_for_broker
    from shared.adapters.observability.runtime import WorkerObservability

    obs = WorkerObservability(settings, stage.name, settings.topics.of_stage(stage.name)[0])
    obs.start()  # /metrics, /healthz, /readyz when metrics_port is set
    try:
        wait_for_broker(settings)
        ensure_topics(settings)
        worker = StageWorker(settings, stage, observer=obs.observer)
        obs.attach(worker.app)
        try:
            faust.Worker(worker.app, loglevel=loglevel, quiet=True, redirect_stdouts=False,
                         logging_config=obs.logging_config(loglevel)).execute_from_commandline()
        finally:
            worker.close()
    finally:
        obs.close()
