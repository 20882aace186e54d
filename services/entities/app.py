"""Composition root of the entities stage: one spaCy model, run once per article over the batch."""
from __future__ import annotations

import re
import time
from typing import Sequence

import spacy

import services.entities.component  # noqa: F401  (registers newsflow_entity_fixes)
from services.entities.canonical import RawMention, merge_mentions
from services.entities.component import COMPONENT_NAME
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


def build_stage(settings: Settings, nlp=None, publishers: tuple[str, ...] = DEFAULT_PUBLISHERS) -> Stage:
    """The entities stage: `nlp.pipe` over the batch, fixes, canonical entities, one output per input."""
    if nlp is None:
        nlp = load_model(settings.model)
    _ensure_fixes(nlp)
    batch_size = max(1, settings.batch_size)

    def process(events: Sequence[ArticleDeduplicated]) -> list[EntitiesExtracted | Rejected]:
        t0 = time.perf_counter()
        docs = list(nlp.pipe((tokenizable(e.text) for e in events), batch_size=batch_size))
        out = []
        for event, doc in zip(events, docs):
            ents = entities_of(doc, publisher_names(event.source, event.url, publishers))
            out.append(ents)
        ms = (time.perf_counter() - t0) * 1000.0
        total_chars = sum(len(e.text) for e in events) or 1
        return [
            promote(event, EntitiesExtracted, entities=ents,
                    trace=with_trace(event.trace, "entities", ms * (len(event.text) or 1) / total_chars))
            for event, ents in zip(events, out)
        ]

    return Stage(name="entities", reads=ArticleDeduplicated, process=isolate_failures(process))
