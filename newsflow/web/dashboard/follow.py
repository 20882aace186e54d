"""A kafka-python consumer thread that follows the enriched topic into an `ArticleStore`.

It reads without a consumer group (every dashboard sees every article) and starts at the
last `max_articles` messages, so a dashboard opened late still shows recent articles.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson

from newsflow.web.dashboard.loop import ClientLoop
from newsflow.web.dashboard.store import ArticleStore
from shared.adapters import kafka
from shared.core.settings import Settings

log = logging.getLogger("newsflow.dashboard")


class EnrichedFollower(ClientLoop):
    """Follows `settings.topics.enriched` in a daemon thread until `stop()`."""

    what = "following the enriched topic"

    def __init__(self, settings: Settings, store: ArticleStore, wait_s: float = 1.0) -> None:
        super().__init__("newsflow-dashboard-follow", wait_s)
        self.settings = settings
        self.store = store
        self.wait_s = wait_s
        self.state = "starting"
        self.bad_messages = 0

    def open_client(self) -> Any:
        """A consumer without a group, assigned later."""
        return kafka.consumer(self.settings, "newsflow-dashboard-follow")

    def failed(self, error: str) -> None:
        """A new consumer is made at the next turn."""
        self.state = "reconnecting"

    def _assign(self, consumer: Any) -> bool:
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

    def step(self, consumer: Any) -> float:
        """Assign the topic's partitions once it exists, then add what a poll brings to the store."""
        if self.state != "following" and not self._assign(consumer):
            return self.wait_s
        batches = consumer.poll(timeout_ms=int(self.wait_s * 1000))
        for records in batches.values():
            for rec in records:
                self._add(rec)
        return 0.0

    def _add(self, rec) -> None:
        try:
            event = orjson.loads(rec.value)
            if not isinstance(event, dict) or "id" not in event:
                raise ValueError("not an enriched event")
        except (orjson.JSONDecodeError, ValueError, TypeError) as err:
            self.bad_messages += 1
            log.warning(
                "skipping a message that is not an enriched event: %s",
                err,
                extra={"topic": rec.topic, "partition": rec.partition, "offset": rec.offset},
            )
            return
        self.store.add(event)
