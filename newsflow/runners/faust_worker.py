"""The faust-streaming runner of one stage: Kafka in, stage function, Kafka out.

At-least-once: a batch's outputs (and dead letters) are acknowledged by the broker
before the batch's input offsets are acknowledged to faust, which commits them later.
A crash anywhere in between means the batch is consumed again, never lost.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Sequence

import faust
from faust.transport.drivers.aiokafka import Producer as AiokafkaProducer

from shared.adapters.kafka import MAX_KEY_BYTES, faust_kafka_options
from shared.adapters.observability.logjson import message_fields
from shared.core.batch import BatchObserver, BatchResult, DeadLetter, InMessage, run_batch
from shared.core.settings import Settings
from shared.core.stage import Stage

log = logging.getLogger("newsflow.worker")

DLQ_HEADERS = (
    "newsflow.stage",
    "newsflow.error",
    "newsflow.source.topic",
    "newsflow.source.partition",
    "newsflow.source.offset",
)


def dlq_headers(letter: DeadLetter[InMessage]) -> list[tuple[str, bytes]]:
    """Kafka headers that tell where a dead letter came from and why it is dead."""
    m = letter.source
    values = (letter.stage, letter.reason[:4000], m.topic, str(m.partition), str(m.offset))
    return [(k, v.encode("utf-8", "replace")) for k, v in zip(DLQ_HEADERS, values)]


def dlq_payload(
    letter: DeadLetter[InMessage], max_bytes: int
) -> tuple[bytes | None, bytes | None, list[tuple[str, bytes]]]:
    """Key, value and extra headers of a dead letter: the original bytes, or their head when over `max_bytes`.

    A message larger than the producer may send (a 50 MB one, say) would otherwise
    fail to reach the DLQ forever and stall its partition; its first `max_bytes` go
    instead, with its size and SHA-256 in headers.
    """
    key, value = letter.source.key, letter.source.value
    extra: list[tuple[str, bytes]] = []
    if value is not None and len(value) > max_bytes:
        extra += [
            ("newsflow.truncated", b"true"),
            ("newsflow.original.bytes", str(len(value)).encode()),
            ("newsflow.original.sha256", hashlib.sha256(value).hexdigest().encode()),
        ]
        value = value[:max_bytes]
    if key is not None and len(key) > MAX_KEY_BYTES:
        extra.append(("newsflow.original.key.bytes", str(len(key)).encode()))
        key = key[:MAX_KEY_BYTES]
    return key, value, extra


def run_messages(
    stage: Stage, messages: Sequence[InMessage], max_bytes: int, max_input_bytes: int | None = None
) -> BatchResult[InMessage]:
    """The batch core over consumed messages (what a worker runs in its executor)."""
    return run_batch(stage, [(m, m.value) for m in messages], max_bytes, max_input_bytes)


class IdempotentProducer(AiokafkaProducer):
    """faust's aiokafka producer with idempotence on: faust enables it only inside transactions,
    and a retried send must not write an output twice."""

    def _settings_extra(self):
        return {**super()._settings_extra(), "enable_idempotence": True}


class StageWorker:
    """One stage wired to its topics in a faust app; `app` is what `faust.Worker` runs."""

    def __init__(self, settings: Settings, stage: Stage, observer: BatchObserver | None = None) -> None:
        self.settings = settings
        self.stage = stage
        self.observer = observer or BatchObserver()
        self.input_topic, self.output_topic = self.topics()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"newsflow-{stage.name}")
        self.processed = 0
        self.dead_lettered = 0
        self.app = self._build_app()

    def topics(self) -> tuple[str, str | None]:
        """The (input, output) topics; a worker whose output is not a topic (the store's sink) has None."""
        return self.settings.topics.of_stage(self.stage.name)

    def process_messages(self, messages: Sequence[InMessage]) -> BatchResult[InMessage]:
        """One batch's outputs and dead letters (run in the executor; an exception retries the batch)."""
        return run_messages(
            self.stage, messages, self.settings.max_message_bytes, self.settings.max_input_bytes(self.stage.name)
        )

    def _build_app(self) -> faust.App:
        s = self.settings
        datadir = Path(s.state_dir) / "faust"
        datadir.mkdir(parents=True, exist_ok=True)
        app = faust.App(
            s.group_id(self.stage.name),
            **faust_kafka_options(s, s.max_input_bytes(self.stage.name)),
            store="memory://",
            autodiscover=False,
            datadir=str(datadir),
            web_enabled=False,
            topic_disable_leader=True,
            topic_partitions=s.partitions,
            topic_replication_factor=max(1, s.replication_factor),  # topics exist: ensure_topics made them
            key_serializer="raw",
            value_serializer="raw",
            consumer_auto_offset_reset="earliest",
            producer_acks=-1,
            producer_linger=0.005,
            broker_commit_interval=1.0,
            # A worker killed -9 holds its partitions until the broker misses its heartbeats for the
            # session timeout (faust's default: 60 s); SIGTERM leaves the group at once either way.
            # No static membership (group_instance_id): aiokafka then never sends LeaveGroup.
            broker_session_timeout=s.kafka_session_timeout_s,
            broker_heartbeat_interval=s.kafka_heartbeat_interval_s,
            stream_buffer_maxsize=max(4096, s.batch_size * 4),
        )
        app.transport.Producer = IdempotentProducer  # type: ignore[misc]  # before faust creates its producer, at start-up
        source = app.topic(
            self.input_topic, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw"
        )
        sink = app.topic(self.output_topic, key_serializer="raw", value_serializer="raw") if self.output_topic else None
        dlq = app.topic(s.topics.dlq, key_serializer="raw", value_serializer="raw")

        async def consume(stream):
            # noack_take, not take_events: take_events acknowledges a batch in a `finally`,
            # even when processing was cancelled or failed; here offsets are acknowledged
            # only after the batch's outputs are on the broker.
            async for events in stream.noack_take(s.batch_size, within=s.batch_timeout_s):
                messages = [
                    InMessage(e.message.topic, e.message.partition, e.message.offset, e.message.key, e.message.value)
                    for e in events
                ]
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
        result = await self._retrying(
            "process",
            messages,
            lambda: loop.run_in_executor(self._executor, self.process_messages, messages),
        )
        for letter in result.dead:
            m = letter.source
            log.warning(
                "dead letter: stage=%s topic=%s partition=%d offset=%d key=%r reason=%s",
                self.stage.name,
                m.topic,
                m.partition,
                m.offset,
                (m.key or b"")[:80],
                letter.reason,
                extra={
                    "stage": self.stage.name,
                    "reason": letter.reason[:500],
                    **message_fields(m.topic, m.partition, m.offset, m.key),
                },
            )
        await self._retrying("produce", messages, lambda: self._produce(result, sink, dlq))
        self.processed += len(result.outputs)
        self.dead_lettered += len(result.dead)
        self.observer.batch_done(self.stage.name, messages, result, time.perf_counter() - started)
        if log.isEnabledFor(logging.DEBUG):
            for m in messages:
                log.debug(
                    "processed",
                    extra={"stage": self.stage.name, **message_fields(m.topic, m.partition, m.offset, m.key)},
                )

    async def _produce(self, result: BatchResult, sink, dlq) -> None:
        pending = [await _send_no_wait(sink, out.key, out.value) for out in result.outputs] if sink is not None else []
        for letter in result.dead:
            key, value, extra = dlq_payload(letter, self.settings.max_message_bytes)
            pending.append(await _send_no_wait(dlq, key, value, dlq_headers(letter) + extra))
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
                log.error(
                    "stage=%s step=%s failed for batch topic=%s partition=%d offset=%d size=%d: %s: %s; "
                    "retrying in %.1fs",
                    self.stage.name,
                    step,
                    first.topic,
                    first.partition,
                    first.offset,
                    len(messages),
                    type(err).__name__,
                    err,
                    delay,
                    extra={
                        "stage": self.stage.name,
                        "step": step,
                        "size": len(messages),
                        "error": f"{type(err).__name__}: {err}"[:500],
                        **message_fields(first.topic, first.partition, first.offset, first.key),
                    },
                )
                self.observer.batch_failed(self.stage.name, step, messages, err)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    def close(self) -> None:
        """Release the stage's resources and the executor."""
        self._executor.shutdown(wait=True)
        self.stage.close()


def run_until_stopped(worker: StageWorker, obs, loglevel: str) -> None:
    """Run `worker`'s faust app, with `obs` (WorkerObservability) attached, until SIGTERM/SIGINT; then close it."""
    obs.attach(worker.app)
    try:
        faust.Worker(
            worker.app,
            loglevel=loglevel,
            quiet=True,
            redirect_stdouts=False,
            logging_config=obs.logging_config(loglevel),
        ).execute_from_commandline()
    finally:
        worker.close()


async def _send_no_wait(topic, key, value, headers=None):
    """Hand a message to the producer's batch; returns the future of its delivery."""
    fut = topic.as_future_message(key=key, value=value, headers=headers)
    return await topic.publish_message(fut, wait=False)


__all__ = [
    "StageWorker",
    "run_until_stopped",
    "IdempotentProducer",
    "DLQ_HEADERS",
    "dlq_headers",
    "dlq_payload",
    "run_messages",
]
