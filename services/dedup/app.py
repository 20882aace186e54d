"""Builder of the dedup stage: ArticleCleaned -> ArticleDeduplicated, over the index the composition root gives."""

from __future__ import annotations

from services.dedup.index import DedupIndex, IndexParams
from services.dedup.logic import dedup_batch
from shared.core.events import ArticleCleaned
from shared.core.settings import Settings
from shared.core.stage import Stage, StageDeps


def index_params(settings: Settings) -> IndexParams:
    """The index parameters the settings ask for."""
    return IndexParams.from_days(settings.dedup_threshold, settings.dedup_retention_days)


def build_stage(settings: Settings, deps: StageDeps) -> Stage:
    """The dedup stage over `deps.dedup_index` (the composition root connects it: Redis in workers, memory embedded)."""
    index: DedupIndex | None = deps.dedup_index
    if index is None:
        raise ValueError("the dedup stage needs an index in deps.dedup_index (newsflow.bootstrap connects it)")
    bound = index
    return Stage(
        name="dedup",
        reads=ArticleCleaned,
        process=lambda events: dedup_batch(bound, events),
        close=bound.close,
    )
