"""The entities stage's logic: one `nlp.pipe` over the batch, publisher credits dropped, canonical entities."""
from __future__ import annotations

import re
import time
from typing import Any, Sequence

from services.entities.canonical import RawMention, merge_mentions
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


def entities_of(doc: Any, publishers: set[str]) -> tuple:
    """Canonical entities of a processed doc, without the publisher's own credit."""
    raw = [RawMention(e.text, e.start_char, e.end_char, e.label_) for e in doc.ents]
    raw = [m for m in raw if not is_publisher_credit(m, publishers)]
    return tuple(merge_mentions(raw))


def extract_entities(nlp: Any, events: Sequence[ArticleDeduplicated], publishers: tuple[str, ...],
                     batch_size: int) -> list[EntitiesExtracted]:
    """Each event with its canonical entities; the batch's NER time is charged to articles by length."""
    t0 = time.perf_counter()
    docs = list(nlp.pipe((tokenizable(e.text) for e in events), batch_size=batch_size))
    found = [entities_of(doc, publisher_names(event.source, event.url, publishers)) for event, doc in zip(events, docs)]
    ms = (time.perf_counter() - t0) * 1000.0
    total_chars = sum(len(e.text) for e in events) or 1
    return [
        promote(event, EntitiesExtracted, entities=ents,
                trace=with_trace(event.trace, "entities", ms * (len(event.text) or 1) / total_chars))
        for event, ents in zip(events, found)
    ]


__all__ = ["tokenizable", "entities_of", "extract_entities"]
