"""`newsflow sink`: a faust worker that writes articles.enriched into the store (NEWSFLOW_STORE_URL).

It is the stage runner of newsflow/runners/faust_worker.py with a database as its output:
the batch is stored in one transaction (newsflow.store.sink.store_batch), refused events go
to the dead-letter topic, and the input offsets are acknowledged only after the transaction
committed and the dead letters are on the broker. A store outage raises, and the runner
retries the batch with backoff until the store is back. Consumer group `<prefix>-sink`;
more sink workers share the partitions.
"""

from __future__ import annotations

from typing import Sequence

from newsflow.runners.faust_worker import StageWorker, run_until_stopped
from newsflow.store.engine import make_engine
from newsflow.store.migrate import upgrade_engine
from newsflow.store.sink import STAGE, store_batch
from newsflow.store.writer import StoreWriter
from shared.core.batch import BatchObserver, BatchResult, InMessage
from shared.core.settings import Settings
from shared.core.stage import Stage


class SinkWorker(StageWorker):
    """The stage worker whose output is the store: no output topic, `process_messages` writes the batch."""

    def __init__(self, settings: Settings, writer: StoreWriter, observer: BatchObserver | None = None) -> None:
        self.writer = writer
        stage: Stage = Stage(name=STAGE, reads=dict, process=lambda events: list(events), close=writer.engine.dispose)
        super().__init__(settings, stage, observer)

    def topics(self) -> tuple[str, str | None]:
        """articles.enriched in, nothing out (dead letters aside)."""
        return self.settings.topics.enriched, None

    def process_messages(self, messages: Sequence[InMessage]) -> BatchResult[InMessage]:
        """Store the batch in one transaction (StoreUnavailable on an outage: the runner retries it)."""
        return store_batch(self.writer, [(m, m.value) for m in messages], self.settings.max_message_bytes)


def run_sink(settings: Settings, loglevel: str = "info") -> None:
    """Upgrade the store's schema, then run one sink worker until SIGTERM/SIGINT."""
    from shared.adapters.kafka import ensure_topics, wait_for_broker
    from shared.adapters.observability.runtime import WorkerObservability

    obs = WorkerObservability(settings, STAGE, settings.topics.enriched)
    engine = make_engine(settings.store_url)
    upgrade_engine(engine)
    obs.start()
    try:
        wait_for_broker(settings)
        ensure_topics(settings)
        run_until_stopped(SinkWorker(settings, StoreWriter(engine), observer=obs.observer), obs, loglevel)
    finally:
        obs.close()
        engine.dispose()


__all__ = ["SinkWorker", "run_sink"]
