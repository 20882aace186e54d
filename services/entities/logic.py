"""The entities stage's logic: one `nlp.pipe` per language over the batch, publisher credits dropped, canonical entities."""

from __future__ import annotations

import re
import time
from typing import Any, Callable, Mapping, Sequence

from services.entities.canonical import RawMention, merge_mentions
from services.entities.languages import LABEL_MAPS, group_by_model, model_language, skipped_reason
from services.entities.noise import is_publisher_credit, publisher_names
from shared.core.events import ArticleDeduplicated, EntitiesExtracted, promote, with_trace

_LONG_RUN = re.compile(r"\S{200,}")


def tokenizable(text: str) -> str:
    """`text` with a space for every 100th punctuation character of whitespace-free runs over 200 characters.

    spaCy's tokenizer splits prefixes off one whitespace-free chunk in quadratic time (8,000
    opening quotes: 8 s; a 1 MB run: hours), which would stall the partition. Same length,
    so every offset still indexes `text`; real words are never that long.
    """
    if len(text) < 200 or _LONG_RUN.search(text) is None:
        return text

    def breakup(m: re.Match) -> str:
        chars, last = list(m.group()), 0
        for i, ch in enumerate(chars):
            if i - last >= 100 and not ch.isalnum():
                chars[i], last = " ", i
        return "".join(chars)

    return _LONG_RUN.sub(breakup, text)


def entities_of(doc: Any, publishers: set[str], labels: Mapping[str, str] | None = None) -> tuple:
    """Canonical entities of a processed doc, without the publisher's own credit; `labels` renames model labels."""
    labels = labels or {}
    raw = [RawMention(e.text, e.start_char, e.end_char, labels.get(e.label_, e.label_)) for e in doc.ents]
    raw = [m for m in raw if not is_publisher_credit(m, publishers)]
    return tuple(merge_mentions(raw))


def extract_entities(
    model_for: Callable[[str], Any],
    events: Sequence[ArticleDeduplicated],
    publishers: tuple[str, ...],
    batch_size: int,
    default_language: str = "en",
) -> list[EntitiesExtracted]:
    """Each event with its canonical entities from the model of its language (`model_for(lang)`).

    An article in a language no model serves gets none, and its trace says why. Each
    language group's NER time is charged to its articles by length.
    """
    found: list[tuple] = [()] * len(events)
    ms: list[float] = [0.0] * len(events)
    for lang, idx in group_by_model([e.language for e in events], default_language).items():
        if lang is None:
            continue
        t0 = time.perf_counter()
        docs = model_for(lang).pipe((tokenizable(events[i].text) for i in idx), batch_size=batch_size)
        for i, doc in zip(idx, docs):
            found[i] = entities_of(
                doc, publisher_names(events[i].source, events[i].url, publishers), LABEL_MAPS.get(lang)
            )
        group_ms = (time.perf_counter() - t0) * 1000.0
        total_chars = sum(len(events[i].text) or 1 for i in idx)
        for i in idx:
            ms[i] = group_ms * (len(events[i].text) or 1) / total_chars
    return [
        promote(
            event,
            EntitiesExtracted,
            entities=ents,
            trace=with_trace(event.trace, "entities", t, **_notes(event.language, default_language)),
        )
        for event, ents, t in zip(events, found, ms)
    ]


def _notes(language: str | None, default: str) -> dict:
    lang = model_language(language, default)
    if lang is None:
        return {"skipped": skipped_reason(language)}
    return {"model_language": lang}


__all__ = ["tokenizable", "entities_of", "extract_entities"]
