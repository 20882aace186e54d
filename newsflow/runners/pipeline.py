"""The embedded runner: every stage in one process, no servers.

The same stage functions the Kafka workers run, through the same batch core
(`shared.core.batch`). With `wire=True` (on in the tests) every stage's outputs are
encoded, size-checked and decoded again by the next stage, exactly as between workers;
without it events pass from stage to stage in memory.
"""

from __future__ import annotations

import logging
from typing import Any, Iterable, Iterator, Sequence

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
        live, _, dead = run_stages(
            self.stages,
            [(i, item.data) for i, item in enumerate(items)],
            encoded=True,
            wire=self.wire,
            max_message_bytes=self.max_message_bytes,
            max_input_bytes=self.max_input_bytes,
        )
        results: dict[int, ArticleCleaned | DeadLetter[int]] = {d.source: d for d in dead}
        results.update(live)
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


def run_stages(
    stages: Sequence[Stage],
    inputs: Sequence[tuple[int, Any]],
    *,
    encoded: bool,
    wire: bool,
    max_message_bytes: int | None,
    max_input_bytes: int | None,
) -> tuple[list[tuple[int, ArticleCleaned]], list[tuple[int, bytes]], list[DeadLetter[int]]]:
    """`stages` in order over `inputs` (position, value): the events that came through, their wire bytes (with
    `wire`; else empty) and the dead letters, each keyed by its input's position.

    `encoded` inputs are bytes the first stage decodes (raw articles for normalize, up to `max_input_bytes`;
    an earlier stage's output otherwise); else they are events in memory. With `wire`, every stage's
    outputs are encoded and size-checked, and the next stage decodes them, as between workers.
    """
    limit = max_message_bytes
    dead: list[DeadLetter[int]] = []
    values: list[tuple[int, bytes]] = list(inputs) if encoded else []
    live: list[tuple[int, Any]] = [] if encoded else list(inputs)
    for n, stage in enumerate(stages):
        if (n == 0 and encoded) or (n > 0 and wire):
            live, lost = decode_batch(stage, values, max_input_bytes if n == 0 else limit)
            dead += lost
        done, lost = process_batch(stage, live)
        dead += lost
        if wire:
            outputs, lost = encode_batch(stage, done, limit)
            dead += lost
            done = [(o.source, o.event) for o in outputs]
            values = [(o.source, o.value) for o in outputs]
        live = list(done)
    return live, values if wire else [], dead


def _with_item(
    result: ArticleCleaned | DeadLetter[int], items: Sequence[InputItem]
) -> ArticleCleaned | DeadLetter[InputItem]:
    if isinstance(result, DeadLetter):
        return DeadLetter(items[result.source], result.stage, result.reason)
    return result


def as_output(event: ArticleCleaned) -> dict:
    """The JSON object `newsflow run` prints for an event."""
    return to_dict(event)


__all__ = ["Pipeline", "dead_letter_dict", "as_output", "run_stages"]
