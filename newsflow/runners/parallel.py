"""`newsflow run --jobs N`: the embedded pipeline's stages in N worker processes, output in input order.

Stages without memory across articles (normalize, entities, quotes) run in N worker processes forked
from one template process that built them (`ForkedPool`: spaCy and the model are loaded once, not
once per worker), one chunk of up to `batch_size` articles per task. A stage whose result
depends on every earlier article (dedup: the first copy founds the cluster) runs in this process,
chunk after chunk in input order, so its verdicts are those of a single job. Chunks flow through the
stages independently: while this process deduplicates chunk k, the workers normalize chunk k+1 and
run entities and quotes on chunk k-1; a worker takes the task of the earliest chunk first, so the
first chunk reaches entities at once and results are ready in input order, in which they are
yielded. When the number of inputs is known, the last chunks are smaller, so that the workers
finish together.

Between processes, events travel as pickled objects, or as their wire bytes with `embedded_wire`
(every stage's output size-checked and decoded by the next, as `Pipeline` does): the output is that
of `Pipeline` either way.
"""

from __future__ import annotations

import os
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Callable, Iterable, Iterator, Sequence, Sized

from newsflow.inputs import InputItem
from newsflow.runners.forked_pool import ForkedPool
from newsflow.runners.pipeline import run_stages
from shared.core.batch import DeadLetter
from shared.core.settings import Settings
from shared.core.stage import Stage

# Stages whose verdict depends on the articles before: never split across processes.
SEQUENTIAL = frozenset({"dedup"})
# The smallest chunk of the end of a run (see `chunk_size`).
MIN_CHUNK = 2


def default_jobs() -> int:
    """The number of cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def segments_of(names: Sequence[str]) -> list[tuple[bool, tuple[str, ...]]]:
    """Consecutive stages grouped as (in_pool, names): a sequential stage is a segment of its own."""
    out: list[tuple[bool, tuple[str, ...]]] = []
    for name in names:
        pooled = name not in SEQUENTIAL
        if out and out[-1][0] and pooled:
            out[-1] = (True, out[-1][1] + (name,))
        else:
            out.append((pooled, (name,)))
    return out


def chunk_size(largest: int, remaining: int | None, jobs: int) -> int:
    """Articles in the next chunk: `largest` while much is left, then shrinking with what is left (`remaining`,
    if known), so that no worker is left with a large last chunk while the others wait."""
    if remaining is None:
        return largest
    return max(MIN_CHUNK, min(largest, -(-remaining // (2 * jobs))))


@dataclass(frozen=True)
class SegmentRunner:
    """Runs one segment of stages over a chunk's live events, here or in a worker."""

    segments: tuple[tuple[bool, tuple[str, ...]], ...]
    wire: bool
    max_message_bytes: int | None
    max_input_bytes: int | None

    @classmethod
    def of(cls, settings: Settings, stages: str | Sequence[str] | None) -> "SegmentRunner":
        """The segments of `stages` (default all; see `parse_stages`) with the settings' wire and size limits."""
        from newsflow.bootstrap import parse_stages

        segments = segments_of(parse_stages(stages))
        if not segments[0][0]:
            raise ValueError("the first stage must be one the pool runs (normalize)")
        return cls(
            tuple(segments), settings.embedded_wire, settings.max_message_bytes, settings.max_input_bytes("normalize")
        )

    def __call__(self, stages: dict[str, Stage], number: int, live: list) -> tuple[list, list[DeadLetter[int]]]:
        """Segment `number` over `live` (position, raw bytes / event / wire bytes): what goes on, and the dead."""
        done, values, dead = run_stages(
            [stages[n] for n in self.segments[number][1]],
            live,
            encoded=number == 0 or self.wire,
            wire=self.wire,
            max_message_bytes=self.max_message_bytes,
            max_input_bytes=self.max_input_bytes if number == 0 else self.max_message_bytes,
        )
        last = number == len(self.segments) - 1
        return (values if self.wire and not last else done), dead

    def names(self, pooled: bool) -> list[str]:
        """The stages of the pool's segments (`pooled`) or of this process's."""
        return [n for in_pool, segment in self.segments if in_pool == pooled for n in segment]


def _build_worker(settings: Settings, stages: str | Sequence[str] | None) -> Callable[[tuple[int, list]], Any]:
    """In the template process: build the pooled stages once (the model included) for the workers forked from it."""
    from newsflow.bootstrap import build_stage, embedded_deps, settle_heap

    runner = SegmentRunner.of(settings, stages)
    names = runner.names(pooled=True)
    deps = embedded_deps(settings, names)
    built = {n: build_stage(n, settings, deps) for n in names}
    settle_heap()

    def handle(task: tuple[int, list]) -> Any:
        return runner(built, *task)

    return handle


@dataclass
class _Chunk:
    index: int
    items: list[InputItem]
    live: list  # (position, value) of the articles still going: raw bytes, then events or their wire bytes
    slots: list = field(default_factory=list)  # each article's last event or DeadLetter, once known
    segment: int = 0  # the segment running now (pool) or next to run
    future: Future | None = None


class ParallelPipeline:
    """The embedded pipeline over `jobs` processes: same `run`/`close` as `Pipeline`, same output, same order."""

    def __init__(self, settings: Settings, stages: str | Sequence[str] | None = None, jobs: int | None = None) -> None:
        self.jobs = jobs or default_jobs()
        # Started first: the template imports spaCy and loads the model while this process builds its own stages.
        self._pool = ForkedPool(self.jobs, _build_worker, (settings, stages))
        try:
            from newsflow.bootstrap import build_stage, embedded_deps

            self._runner = SegmentRunner.of(settings, stages)
            local = self._runner.names(pooled=False)
            first = list(self._runner.segments[0][1])
            deps = embedded_deps(settings, local + first)
            self._local = {n: build_stage(n, settings, deps) for n in local + first}
        except BaseException:
            self._pool.close()
            raise
        self.segments = list(self._runner.segments)
        self.started_here = 0  # chunks this process normalized itself while no worker was up
        # Whole batches: the model's NER costs more per article in smaller ones (440 BBC articles at
        # --jobs 1: batches of 16 took 0.7-1.5 CPU s more than batches of 64); the last chunks shrink anyway.
        self.batch_size = max(4, settings.batch_size)

    def _advance(self, chunk: _Chunk, passed: list[int]) -> bool:
        """Move a chunk on as far as it can go now; True if it moved."""
        moved = False
        if chunk.future is not None:
            if not chunk.future.done():
                return False
            self._took(chunk, *chunk.future.result())  # a stage's exception propagates, as in Pipeline
            chunk.future = None
            passed[chunk.segment] += 1
            chunk.segment += 1
            moved = True
        while chunk.segment < len(self.segments):
            pooled, _ = self.segments[chunk.segment]
            if pooled:
                if not chunk.live:  # every article of the chunk is dead already
                    passed[chunk.segment] += 1
                    chunk.segment += 1
                    continue
                if chunk.segment == 0 and not self._pool.workers_ready:
                    # No worker is up yet (the template is loading the model): this process, idle
                    # otherwise, normalizes (and deduplicates) the first chunks itself meanwhile.
                    self._took(chunk, *self._runner(self._local, 0, chunk.live))
                    self.started_here += 1
                    passed[0] += 1
                    chunk.segment += 1
                    moved = True
                    continue
                chunk.future = self._pool.submit((chunk.segment, chunk.live), priority=chunk.index)
                return True
            if passed[chunk.segment] != chunk.index:
                return moved  # an earlier chunk has not been through this sequential stage yet
            self._took(chunk, *self._runner(self._local, chunk.segment, chunk.live))
            passed[chunk.segment] += 1
            chunk.segment += 1
            moved = True
        return moved

    def _took(self, chunk: _Chunk, live: list, dead: list[DeadLetter[int]]) -> None:
        for letter in dead:
            chunk.slots[letter.source] = DeadLetter(chunk.items[letter.source], letter.stage, letter.reason)
        chunk.live = live
        if chunk.segment == len(self.segments) - 1:
            for i, event in live:
                chunk.slots[i] = event

    def run(self, items: Iterable[InputItem]) -> Iterator:
        """Enrich a stream of inputs; yields each article's last event (or its DeadLetter) in input order."""
        source = iter(items)
        remaining = len(items) if isinstance(items, Sized) else None
        window = self.jobs * 8  # chunks in flight: enough to keep every process busy
        pending: deque[_Chunk] = deque()
        passed = [0] * len(self.segments)
        index = 0
        exhausted = False
        while True:
            while not exhausted and len(pending) < window:
                batch = list(islice(source, chunk_size(self.batch_size, remaining, self.jobs)))
                if not batch:
                    exhausted = True
                    break
                if remaining is not None:
                    remaining -= len(batch)
                if not self._pool.workers_ready:
                    self._pool.wait(0)  # take in the workers that have announced themselves
                chunk = _Chunk(index, batch, [(i, item.data) for i, item in enumerate(batch)], [None] * len(batch))
                index += 1
                pending.append(chunk)
                self._advance(chunk, passed)
            moved = True
            while moved:
                moved = False
                for chunk in pending:
                    moved |= self._advance(chunk, passed)
            while pending and pending[0].segment == len(self.segments):
                yield from pending.popleft().slots
            if not pending:
                if exhausted:
                    return
                continue
            if len(pending) >= window or exhausted:
                self._pool.wait()

    def close(self) -> None:
        """Stop the workers and release this process's stages."""
        self._pool.close()
        for stage in self._local.values():
            stage.close()
