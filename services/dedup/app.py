"""Composition root of the dedup stage: ArticleCleaned -> ArticleDeduplicated."""

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
    """The dedup stage over `deps.dedup_index`; without one, connects to the Redis index at `settings.redis_url` now."""
    index: DedupIndex | None = deps.dedup_index
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
