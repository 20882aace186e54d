"""Composition root of the quotes stage: rules over `text` and the entities, no second model run."""
from __future__ import annotations

from services.quotes.logic import extract_quotes
from shared.core.events import ArticleEnriched, EntitiesExtracted, promote, with_trace
from shared.core.settings import Settings
from shared.core.stage import Stage, StageDeps, Stopwatch, per_item


def enrich(event: EntitiesExtracted) -> ArticleEnriched:
    """The article with its quotes and speakers."""
    clock = Stopwatch()
    quotes = tuple(extract_quotes(event.text, event.entities))
    return promote(event, ArticleEnriched, quotes=quotes, trace=with_trace(event.trace, "quotes", clock.ms()))


def build_stage(settings: Settings, deps: StageDeps) -> Stage:
    """The quotes stage configured by `settings` (it needs no setting and takes no injected part yet)."""
    return Stage(name="quotes", reads=EntitiesExtracted, process=per_item(enrich))
