"""Composition root of the entities stage: one spaCy model, run once per article over the batch."""
from __future__ import annotations

import re
import time
from typing import Sequence

import spacy

import services.entities.component  # noqa: F401  (registers newsflow_entity_fixes)
from services.entities.canonical import RawMention, merge_mentions
from services.entities.component import COMPONENT_NAME
from services.entities.languages import LazyModel, french_entities, load_french, group_by_model, model_language, skipped_reason
from services.entities.noise import DEFAULT_PUBLISHERS, is_publisher_credit, publisher_names
from shared.core.events import ArticleDeduplicated, EntitiesExtracted, promote, with_trace
from shared.core.settings import Settings
from shared.core.stage import Rejected, Stage, isolate_failures

# `ner` in the small English model carries its own tok2vec; these feed only tagger/parser.
NOT_NEEDED_FOR_NER = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")


def load_model(model: str):
    """The spaCy pipeline for entities: only `ner` (plus our fixes), nothing NER does not need."""
    nlp = spacy.load(model, exclude=list(NOT_NEEDED_FOR_NER))
    if "ner" not in nlp.pipe_names:
        raise ValueError(f"model {model!r} has no 'ner' component")
    return nlp


def _ensure_fixes(nlp) -> None:
    if COMPONENT_NAME not in nlp.pipe_names:
        nlp.add_pipe(COMPONENT_NAME, last=True)


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


def entities_of(doc, publishers: set[str]) -> tuple:
    """Canonical entities of a processed doc, without the publisher's own credit."""
    raw = [RawMention(e.text, e.start_char, e.end_char, e.label_) for e in doc.ents]
    raw = [m for m in raw if not is_publisher_credit(m, publishers)]
    return tuple(merge_mentions(raw))


def build_stage(settings: Settings, nlp=None, publishers: tuple[str, ...] = DEFAULT_PUBLISHERS,
                nlp_fr=None) -> Stage:
    """The entities stage: per language, `nlp.pipe` over the batch, fixes, canonical entities, one output per input.

    English articles run `nlp` (`settings.model`), French ones `settings.model_fr` (loaded on the
    first French article); articles in other languages get no entities, and their trace says why.
    """
    if nlp is None:
        nlp = load_model(settings.model)
    _ensure_fixes(nlp)
    french = LazyModel(lambda: nlp_fr if nlp_fr is not None else load_french(settings.model_fr))
    batch_size = max(1, settings.batch_size)

    def run(model, events: Sequence[ArticleDeduplicated], entities_fn) -> list[tuple]:
        docs = model.pipe((tokenizable(e.text) for e in events), batch_size=batch_size)
        return [entities_fn(doc, publisher_names(e.source, e.url, publishers)) for e, doc in zip(events, docs)]

    def process(events: Sequence[ArticleDeduplicated]) -> list[EntitiesExtracted | Rejected]:
        out: list[tuple] = [()] * len(events)
        ms: list[float] = [0.0] * len(events)
        groups = group_by_model([e.language for e in events], settings.default_language)
        for lang, idx in groups.items():
            if lang is None:
                continue
            t0 = time.perf_counter()
            model, fn = (nlp, entities_of) if lang == "en" else (french.get(), french_entities)
            for i, ents in zip(idx, run(model, [events[i] for i in idx], fn)):
                out[i] = ents
            group_ms = (time.perf_counter() - t0) * 1000.0
            total_chars = sum(len(events[i].text) or 1 for i in idx)
            for i in idx:  # the group's time shared by text length
                ms[i] = group_ms * (len(events[i].text) or 1) / total_chars
        return [
            promote(event, EntitiesExtracted, entities=ents,
                    trace=with_trace(event.trace, "entities", t, **_notes(event.language, settings.default_language)))
            for event, ents, t in zip(events, out, ms)
        ]

    return Stage(name="entities", reads=ArticleDeduplicated, process=isolate_failures(process))


def _notes(language: str | None, default: str) -> dict:
    lang = model_language(language, default)
    if lang is None:
        return {"skipped": skipped_reason(language)}
    return {"model_language": lang}
