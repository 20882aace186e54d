"""Composition root of the dedup stage: ArticleCleaned -> ArticleDeduplicated."""
from __future__ import annotations

import time
from typing import Sequence

from services.dedup.fingerprint import fingerprint
from services.dedup.index import DedupIndex, IndexParams
from shared.core.events import ArticleCleaned, ArticleDeduplicated, promote, with_trace
from shared.core.settings import Settings
from shared.core.stage import Stage


def index_params(settings: Settings) -> IndexParams:
    """The index parameters the settings ask for."""
    return IndexParams.from_days(settings.dedup_threshold, settings.dedup_retention_days)


def dedup_batch(index: DedupIndex, events: Sequence[ArticleCleaned]) -> list[ArticleDeduplicated]:
    """Verdicts for a batch, in order, with one call to the index; an index failure raises for the whole batch."""
    fingerprints = []
    own_ms = []
    for event in events:
        t = time.perf_counter()
        fingerprints.append(fingerprint(event.text))
        own_ms.append((time.perf_counter() - t) * 1000.0)
    t_index = time.perf_counter()
    verdicts = index.assign([(e.id, fp) for e, fp in zip(events, fingerprints)])
    # The index call is shared by the batch: each article is charged an equal part of it.
    shared_ms = (time.perf_counter() - t_index) * 1000.0 / max(1, len(events))
    return [
        promote(e, ArticleDeduplicated, dedup=v, trace=with_trace(e.trace, "dedup", ms + shared_ms))
        for e, v, ms in zip(events, verdicts, own_ms)
    ]


def build_stage(settings: Settings, index: DedupIndex | None = None) -> Stage:
    """The dedup stage; without an `index`, connects to the Redis index at `settings.redis_url` now."""
    if index is None:
        from services.dedup.redis_index import connect  # only workers need the redis client

        index = connect(settings, index_params(settings))
    bound = index
    return Stage(
        name="dedup",
        reads=ArticleCleaned,
        process=lambda events: dedup_batch(bound, events),
        close=bound.close,
    )
