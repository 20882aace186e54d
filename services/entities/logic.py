"""The entities stage's logic: one model pass per language over the batch (NER on every article, the parser on
the sentences the quotes stage reads), publisher credits dropped, canonical entities."""

from __future__ import annotations

import re
import time
from typing import Any, Callable, Mapping, Sequence

from services.entities.canonical import RawMention, merge_mentions
from services.entities.languages import LABEL_MAPS, group_by_model, model_language, skipped_reason
from services.entities.noise import is_publisher_credit, publisher_names
from services.entities.parse_pass import ner_disabled, parse_batch, skipped_parse
from shared.core.events import ArticleDeduplicated, EntitiesExtracted, promote, with_trace
from shared.core.parse import CompactParse

_LONG_RUN = re.compile(r"\S{200,}")
# `Doc.user_data` key of the text a doc was made from (`with_text`), for the entity fixes: `Doc.text`
# joins every token through a Token object, and the stage already holds the string.
DOC_TEXT = "newsflow_text"


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


def with_text(doc: Any, text: str) -> Any:
    """`doc`, made from `text`, carrying `text` in its user data (`DOC_TEXT`)."""
    doc.user_data[DOC_TEXT] = text
    return doc


def span_text(span: Any, text: str | None = None) -> str:
    """A spaCy span's characters: a slice of `text` (its doc's text, if the caller has it), else `Span.text`,
    which makes a Token object for every word."""
    return span.text if text is None else text[span.start_char : span.end_char]


def entities_of(
    doc: Any, publishers: set[str], labels: Mapping[str, str] | None = None, text: str | None = None
) -> tuple:
    """Canonical entities of a processed doc, without the publisher's own credit; `labels` renames model labels.

    `text`: the doc's text, if the caller has it (a slice of it costs less than `Span.text`)."""
    labels = labels or {}
    raw = [
        RawMention(
            span_text(e, text),
            e.start_char,
            e.end_char,
            labels.get(e.label_, e.label_),
        )
        for e in doc.ents
    ]
    raw = [m for m in raw if not is_publisher_credit(m, publishers)]
    return tuple(merge_mentions(raw))


def extract_entities(
    model_for: Callable[[str], Any],
    events: Sequence[ArticleDeduplicated],
    publishers: tuple[str, ...],
    batch_size: int,
    default_language: str = "en",
    parse_scope: str = "none",
) -> list[EntitiesExtracted]:
    """Each event with its canonical entities from the model of its language (`model_for(lang)`), and the
    parse of the sentences `parse_scope` chooses (`services.entities.parse_scope`) where that model parses.

    An article in a language no model serves gets none, and its trace says why. Each
    language group's NER time is charged to its articles by length, its parse time by parsed length.
    """
    found: list[tuple] = [()] * len(events)
    parses: list[CompactParse | None] = [None] * len(events)
    ms: list[float] = [0.0] * len(events)
    notes: list[dict] = [_notes(e.language, default_language) for e in events]
    for lang, idx in group_by_model([e.language for e in events], default_language).items():
        if lang is None:
            for i in idx:
                notes[i]["parse_skipped"] = skipped_parse(events[i].language, parse_scope, None)
            continue
        nlp = model_for(lang)
        texts = [tokenizable(events[i].text) for i in idx]
        t0 = time.perf_counter()
        docs = nlp.pipe(
            (with_text(nlp.make_doc(t), t) for t in texts), disable=ner_disabled(nlp), batch_size=batch_size
        )
        for i, doc, text in zip(idx, docs, texts):
            found[i] = entities_of(
                doc, publisher_names(events[i].source, events[i].url, publishers), LABEL_MAPS.get(lang), text
            )
        _charge(ms, idx, [len(t) or 1 for t in texts], (time.perf_counter() - t0) * 1000.0)
        skipped = skipped_parse(lang, parse_scope, nlp)
        if skipped is not None:
            for i in idx:
                notes[i]["parse_skipped"] = skipped
            continue
        t1 = time.perf_counter()
        group_parses, ranges = parse_batch(nlp, texts, lang, parse_scope, batch_size)
        parsed_chars = [sum(r.end - r.start for r in rs) for rs in ranges]
        if any(parsed_chars):
            _charge(ms, idx, parsed_chars, (time.perf_counter() - t1) * 1000.0)
        for i, parse, n in zip(idx, group_parses, parsed_chars):
            parses[i] = parse
            notes[i].update(parse_scope=parse_scope, parse_tokens=len(parse) if parse else 0, parse_chars=n)
    return [
        promote(
            event,
            EntitiesExtracted,
            entities=ents,
            parse=parse,
            trace=with_trace(event.trace, "entities", t, **note),
        )
        for event, ents, parse, t, note in zip(events, found, parses, ms, notes)
    ]


def _charge(ms: list[float], idx: Sequence[int], weights: Sequence[int], group_ms: float) -> None:
    """Add `group_ms` to the articles `idx`, shared in proportion to `weights`."""
    total = sum(weights) or 1
    for i, w in zip(idx, weights):
        ms[i] += group_ms * w / total


def _notes(language: str | None, default: str) -> dict:
    lang = model_language(language, default)
    if lang is None:
        return {"skipped": skipped_reason(language)}
    return {"model_language": lang}


__all__ = ["DOC_TEXT", "tokenizable", "with_text", "span_text", "entities_of", "extract_entities"]
