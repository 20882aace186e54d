"""Builder of the normalize stage."""

from __future__ import annotations

from functools import partial

from services.normalize.logic import normalize_article
from shared.core.events import ArticlePublished
from shared.core.settings import Settings
from shared.core.stage import Stage, StageDeps, per_item


def build_stage(settings: Settings, deps: StageDeps) -> Stage:
    """The normalize stage configured by `settings` (it takes no injected part)."""
    return Stage(
        name="normalize",
        reads=ArticlePublished,
        process=per_item(
            partial(
                normalize_article,
                max_body_chars=settings.max_body_chars,
                max_raw_bytes=settings.max_raw_bytes,
                default_language=settings.default_language,
            )
        ),
    )
