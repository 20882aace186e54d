"""The dedup stage's logic: fingerprint each article, one index call per batch, a verdict each."""

from __future__ import annotations

import time
from typing import Sequence

from services.dedup.fingerprint import fingerprint
from services.dedup.index import DedupIndex
from shared.core.events import ArticleCleaned, ArticleDeduplicated, promote, with_trace


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


__all__ = ["dedup_batch"]
