"""The embedded runner: every stage in one process, no servers.

The same stage functions the Kafka workers run, through the same batch core
(`shared.core.batch`). With `wire=True` (on in the tests) every stage's outputs are
encoded, size-checked and decoded again by the next stage, exactly as between workers;
without it events pass from stage to stage in memory.
"""

from __future__ import annotations

import logging
from typing import Iterable, Iterator, Sequence

from newsflow.inputs import InputItem
from shared.core.batch import DeadLetter, decode_batch, encode_batch, process_batch
from shared.core.events import ArticleCleaned, to_dict
from shared.core.stage import Stage

log = logging.getLogger("newsflow.pipeline")


def dead_letter_dict(letter: DeadLetter[InputItem]) -> dict:
    """The JSON object `newsflow run` prints (on stderr) for an input it could not enrich."""
    return {"origin": letter.source.origin, "stage": letter.stage, "error": letter.reason}


class Pipeline:
    """Stages composed in order; `run` yields each article's last event (or its DeadLetter) in input order."""

    def __init__(
        self,
        stages: Sequence[Stage],
        batch_size: int = 64,
        max_message_bytes: int | None = None,
        wire: bool = False,
        max_input_bytes: int | None = None,
    ) -> None:
        self.stages = list(stages)
        self.batch_size = batch_size
        self.max_message_bytes = max_message_bytes
        self.max_input_bytes = max_message_bytes if max_input_bytes is None else max_input_bytes  # raw inputs
        self.wire = wire

    def run_batch(self, items: Sequence[InputItem]) -> list[ArticleCleaned | DeadLetter[InputItem]]:
        """Enrich one batch of raw inputs."""
        results: dict[int, ArticleCleaned | DeadLetter[int]] = {}
        limit = self.max_message_bytes
        wire: list[tuple[int, bytes | None]] = [(i, item.data) for i, item in enumerate(items)]
        live: list[tuple[int, object]] = []
        for n, stage in enumerate(self.stages):
            if n == 0 or self.wire:
                live, dead = decode_batch(stage, wire, self.max_input_bytes if n == 0 else limit)
                results.update((d.source, d) for d in dead)
            done, dead = process_batch(stage, live)
            results.update((d.source, d) for d in dead)
            if self.wire:
                outputs, dead = encode_batch(stage, done, limit)
                results.update((d.source, d) for d in dead)
                done = [(o.source, o.event) for o in outputs]
                wire = [(o.source, o.value) for o in outputs]
            live = list(done)
        results.update((i, event) for i, event in live)  # type: ignore[misc]
        return [_with_item(results[i], items) for i in range(len(items))]

    def run(self, items: Iterable[InputItem]) -> Iterator[ArticleCleaned | DeadLetter[InputItem]]:
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


def _with_item(
    result: ArticleCleaned | DeadLetter[int], items: Sequence[InputItem]
) -> ArticleCleaned | DeadLetter[InputItem]:
    if isinstance(result, DeadLetter):
        return DeadLetter(items[result.source], result.stage, result.reason)
    return result


def as_output(event: ArticleCleaned) -> dict:
    """The JSON object `newsflow run` prints for an event."""
    return to_dict(event)


__all__ = ["Pipeline", "dead_letter_dict", "as_output"]
