"""Builder of the quotes stage: rules over `text` and the entities, no second model run.

English articles get the English rules, French ones the French marks and speech verbs
(services/quotes/french.py); other languages get no quotes (the English rules would name
garbage speakers), and the trace says why.
"""

from __future__ import annotations

from services.quotes.choose import Chooser, load_chooser
from services.quotes.french import extract_quotes_fr
from services.quotes.logic import extract_quotes
from shared.core.events import ArticleEnriched, EntitiesExtracted, promote, with_trace
from shared.core.settings import Settings
from shared.core.stage import Stage, StageDeps, Stopwatch, per_item

RULES = {"en": extract_quotes, "fr": extract_quotes_fr}


def enrich(event: EntitiesExtracted, default_language: str = "en", chooser: Chooser | None = None) -> ArticleEnriched:
    """The article with its quotes and speakers (none for a language without rules); the parse is dropped."""
    clock = Stopwatch()
    language = (event.language or default_language).lower()
    rules = RULES.get(language)
    if rules is None:
        note = {"skipped": f"no quote rules for language {language!r} (rules: {', '.join(RULES)}): no quotes"}
        trace = with_trace(event.trace, "quotes", clock.ms(), **note)
        return promote(event, ArticleEnriched, quotes=(), parse=None, trace=trace)
    if language == "en":
        quotes = tuple(extract_quotes(event.text, event.entities, event.parse, chooser, title=event.title or ""))
    else:
        quotes = tuple(extract_quotes_fr(event.text, event.entities, event.parse))
    return promote(
        event, ArticleEnriched, quotes=quotes, parse=None, trace=with_trace(event.trace, "quotes", clock.ms())
    )


def build_stage(settings: Settings, deps: StageDeps) -> Stage:
    """The quotes stage configured by `settings` (its default language), with the packaged attribution model."""
    chooser = load_chooser()
    return Stage(
        name="quotes",
        reads=EntitiesExtracted,
        process=per_item(lambda e: enrich(e, settings.default_language, chooser)),
    )
