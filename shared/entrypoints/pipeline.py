"""The embedded runner: every stage in one process, no servers.

The same stage functions the Kafka workers run, composed in order over batches.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

from shared.core.codec import decode_raw
from shared.core.events import ArticleCleaned, InvalidEvent, to_dict
from shared.entrypoints.inputs import InputItem
from shared.core.stage import Rejected, Stage

log = logging.getLogger("newsflow.pipeline")


@dataclass(frozen=True)
class Failure:
    """An input the pipeline could not enrich, with the stage and reason."""

    origin: str
    stage: str
    reason: str

    def as_dict(self) -> dict:
        """A JSON-able record of the failure."""
        return {"origin": self.origin, "stage": self.stage, "error": self.reason}


class Pipeline:
    """Stages composed in order; `run` yields each article's last event (or Failure) in input order."""

    def __init__(self, stages: Sequence[Stage], batch_size: int = 64, max_message_bytes: int | None = None) -> None:
        self.stages = list(stages)
        self.batch_size = batch_size
        self.max_message_bytes = max_message_bytes

    def run_batch(self, items: Sequence[InputItem]) -> list[ArticleCleaned | Failure]:
        """Enrich one batch of raw inputs."""
        results: list[ArticleCleaned | Failure | None] = [None] * len(items)
        live: list[tuple[int, object]] = []
        for i, item in enumerate(items):
            try:
                live.append((i, decode_raw(item.data, self.max_message_bytes)))
            except InvalidEvent as err:
                results[i] = Failure(item.origin, "decode", f"invalid event: {err}")
        for stage in self.stages:
            if not live:
                break
            outputs = stage.process([event for _, event in live])
            survivors = []
            for (i, _), out in zip(live, outputs):
                if isinstance(out, Rejected):
                    results[i] = Failure(items[i].origin, stage.name, out.reason)
                else:
                    survivors.append((i, out))
            live = survivors
        for i, event in live:
            results[i] = event
        return results  # type: ignore[return-value]

    def run(self, items: Iterable[InputItem]) -> Iterator[ArticleCleaned | Failure]:
        """Enrich a stream of inputs in batches, in order."""
        batch: list[InputItem] = []
        for item in items:
            batch.append(item)
            if len(batch) >= self.batch_size:
                yield from self.run_batch(batch)
                batch = []
        if batch:
            yield from self.run_batch(batch)

    def close(self) -> None:
        """Release every stage's resources."""
        for stage in self.stages:
            stage.close()


def as_output(event: ArticleCleaned) -> dict:
    """The JSON object `newsflow run` prints for an event."""
    return to_dict(event)
