"""A kafka-python consumer thread that follows the enriched topic into an `ArticleStore`.

It reads without a consumer group (every dashboard sees every article) and starts at the
last `max_articles` messages, so a dashboard opened late still shows recent articles.
"""
from __future__ import annotations

import logging
import threading

import orjson

from shared.adapters import kafka
from shared.core.settings import Settings
from shared.entrypoints.dashboard.store import ArticleStore

log = logging.getLogger("newsflow.dashboard")


class EnrichedFollower:
    """Follows `settings.topics.enriched` in a daemon thread until `stop()`."""

    def __init__(self, settings: Settings, store: ArticleStore, wait_s: float = 1.0) -> None:
        self.settings = settings
        self.store = store
        self.wait_s = wait_s
        self.state = "starting"
        self.error: str | None = None
        self.bad_messages = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="newsflow-dashboard-follow", daemon=True)

    def start(self) -> None:
        """Start following."""
        self._thread.start()

    def stop(self) -> None:
        """Stop following and wait for the thread."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _consumer(self):
        return kafka.consumer(self.settings, "newsflow-dashboard-follow")

    def _assign(self, consumer) -> bool:
        topic = self.settings.topics.enriched
        tps = kafka.partitions_now(consumer, topic)
        if not tps:
            self.state = f"waiting for topic {topic}"
            return False
        consumer.assign(tps)
        ends = consumer.end_offsets(tps)
        begins = consumer.beginning_offsets(tps)
        per_partition = max(1, self.settings.dashboard_max_articles // len(tps))
        for tp in tps:
            consumer.seek(tp, max(begins.get(tp, 0), ends.get(tp, 0) - per_partition))
        self.state = "following"
        log.info("following %s (%d partitions)", topic, len(tps), extra={"topic": topic})
        return True

    def _run(self) -> None:
        consumer = None
        while not self._stop.is_set():
            try:
                if consumer is None:
                    consumer = self._consumer()
                if self.state != "following" and not self._assign(consumer):
                    self._stop.wait(self.wait_s)
                    continue
                batches = consumer.poll(timeout_ms=int(self.wait_s * 1000))
                for records in batches.values():
                    for rec in records:
                        self._add(rec)
                self.error = None
            except Exception as err:  # noqa: BLE001 - shown on the page; retried with a new consumer
                self.error = f"{type(err).__name__}: {err}"
                self.state = "reconnecting"
                log.warning("following the enriched topic failed: %s", self.error)
                if consumer is not None:
                    try:
                        consumer.close()
                    except Exception:  # noqa: BLE001
                        pass
                    consumer = None
                self._stop.wait(self.wait_s)
        if consumer is not None:
            consumer.close()

    def _add(self, rec) -> None:
        try:
            event = orjson.loads(rec.value)
            if not isinstance(event, dict) or "id" not in event:
                raise ValueError("not an enriched event")
        except (orjson.JSONDecodeError, ValueError, TypeError) as err:
            self.bad_messages += 1
            log.warning("skipping a message that is not an enriched event: %s", err,
                        extra={"topic": rec.topic, "partition": rec.partition, "offset": rec.offset})
            return
        self.store.add(event)
