"""`newsflow run --jobs N`: the embedded pipeline's stages in N worker processes, output in input order.

Stages without memory across articles (normalize, entities, quotes) run in a pool of N
processes, one chunk of a quarter of `batch_size` articles per task. A stage whose result depends on
every earlier article (dedup: the first copy founds the cluster) runs in this process,
chunk after chunk in input order, so its verdicts are those of a single job. Chunks
flow through the stages independently: while this process deduplicates chunk k, the
pool normalizes chunk k+1 and runs entities on chunk k-1; results are yielded in input
order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Sequence

from newsflow.inputs import InputItem
from newsflow.runners.pipeline import Pipeline
from shared.core.batch import DeadLetter, process_batch
from shared.core.settings import Settings
from shared.core.stage import Stage

# Stages whose verdict depends on the articles before: never split across processes.
SEQUENTIAL = frozenset({"dedup"})


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


def apply_stages(stages: Sequence[Stage], items: Sequence[InputItem], slots: list) -> list:
    """Run `stages` over the events in `slots` (the batch core's step); dead letters pass through."""
    slots = list(slots)
    for stage in stages:
        live = [(i, s) for i, s in enumerate(slots) if not isinstance(s, DeadLetter)]
        if not live:
            break
        done, dead = process_batch(stage, live)
        for i, event in done:
            slots[i] = event
        for letter in dead:
            slots[letter.source] = DeadLetter(items[letter.source], letter.stage, letter.reason)
    return slots


# One pool process's stages, built once by `_init_worker`.
_WORKER_STAGES: dict[str, Stage] = {}
_WORKER_SETTINGS: Settings | None = None


def _init_worker(settings: Settings, names: Sequence[str]) -> None:
    global _WORKER_SETTINGS
    from newsflow.bootstrap import build_stage, embedded_deps, settle_heap

    _WORKER_SETTINGS = settings
    deps = embedded_deps(settings, names)
    for name in names:
        _WORKER_STAGES[name] = build_stage(name, settings, deps)
    settle_heap()


def _run_first(names: Sequence[str], items: Sequence[InputItem]) -> list:
    """The first segment (it starts with normalize): decode raw inputs, then its stages."""
    s = _WORKER_SETTINGS
    pipeline = Pipeline(
        [_WORKER_STAGES[n] for n in names],
        batch_size=len(items) or 1,
        max_message_bytes=s.max_message_bytes if s else None,
        max_input_bytes=s.max_input_bytes("normalize") if s else None,
        wire=s.embedded_wire if s else False,
    )
    return pipeline.run_batch(items)


def _run_later(names: Sequence[str], items: Sequence[InputItem], slots: list) -> list:
    return apply_stages([_WORKER_STAGES[n] for n in names], items, slots)


@dataclass
class _Chunk:
    index: int
    items: list[InputItem]
    slots: list = field(default_factory=list)
    segment: int = 0  # the segment running now (pool) or next to run
    future: Future | None = None


class ParallelPipeline:
    """The embedded pipeline over `jobs` processes: same `run`/`close` as `Pipeline`, same output, same order."""

    def __init__(self, settings: Settings, stages: Sequence[str] | None = None, jobs: int | None = None) -> None:
        from newsflow.bootstrap import build_stage, embedded_deps, parse_stages

        names = parse_stages(stages)
        self.jobs = jobs or default_jobs()
        # Smaller chunks than the batch size: the last chunks of a run then spread over every
        # process instead of leaving all but one idle (300 articles in 64s: 5 chunks for 2 jobs).
        self.batch_size = max(4, settings.batch_size // 4)
        self.segments = segments_of(names)
        if not self.segments[0][0]:
            raise ValueError("the first stage must be one the pool runs (normalize)")
        local = [n for n in names if n in SEQUENTIAL]
        deps = embedded_deps(settings, local)
        self._local = {n: build_stage(n, settings, deps) for n in local}
        pooled = [n for n in names if n not in SEQUENTIAL]
        # forkserver, not fork: a forked copy of a process that already runs threads (BLAS, tqdm) may
        # deadlock. The server imports the stages' modules (spaCy) once; each worker forks from it.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([f"services.{n}.app" for n in pooled])
        self._pool = ProcessPoolExecutor(
            self.jobs, mp_context=context, initializer=_init_worker, initargs=(settings, pooled)
        )

    def _submit(self, chunk: _Chunk) -> None:
        names = self.segments[chunk.segment][1]
        if chunk.segment == 0:
            chunk.future = self._pool.submit(_run_first, names, chunk.items)
        else:
            chunk.future = self._pool.submit(_run_later, names, chunk.items, chunk.slots)

    def _advance(self, chunk: _Chunk, passed: list[int]) -> bool:
        """Move a chunk on as far as it can go now; True if it moved."""
        moved = False
        if chunk.future is not None:
            if not chunk.future.done():
                return False
            chunk.slots = chunk.future.result()  # a stage's exception propagates, as in Pipeline
            chunk.future = None
            passed[chunk.segment] += 1
            chunk.segment += 1
            moved = True
        while chunk.segment < len(self.segments):
            pooled, names = self.segments[chunk.segment]
            if pooled:
                self._submit(chunk)
                return True
            if passed[chunk.segment] != chunk.index:
                return moved  # an earlier chunk has not been through this sequential stage yet
            chunk.slots = apply_stages([self._local[n] for n in names], chunk.items, chunk.slots)
            passed[chunk.segment] += 1
            chunk.segment += 1
            moved = True
        return moved

    def run(self, items: Iterable[InputItem]) -> Iterator:
        """Enrich a stream of inputs; yields each article's last event (or its DeadLetter) in input order."""
        source = iter(items)
        window = self.jobs * 4  # chunks in flight: enough to keep every process busy
        pending: deque[_Chunk] = deque()
        passed = [0] * len(self.segments)
        index = 0
        exhausted = False
        while True:
            while not exhausted and len(pending) < window:
                batch = [item for _, item in zip(range(self.batch_size), source)]
                if not batch:
                    exhausted = True
                    break
                chunk = _Chunk(index, batch)
                index += 1
                self._submit(chunk)
                pending.append(chunk)
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
            futures = [c.future for c in pending if c.future is not None]
            if futures and (len(pending) >= window or exhausted):
                wait(futures, return_when=FIRST_COMPLETED)

    def close(self) -> None:
        """Stop the pool and release this process's stages."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        for stage in self._local.values():
            stage.close()
