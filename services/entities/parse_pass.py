"""The parse half of the entities stage's one model pass: the parse components on the chosen chunks only.

One loaded pipeline serves both halves. NER runs over every article with the components it does
not need disabled; then the chunks `parse_scope` chose, of every article of the batch, go through
one `nlp.pipe` with the parse components (tagger, parser and the tok2vec they listen to; French also
its morphologizer, attribute ruler and lemmatizer) and `ner` disabled. A chunk is a run of whole sentences, parsed as its own
text: on 300 BBC articles its heads and labels agree with a parse of the whole article on 99.7%
of the tokens (docs/performance.md), at half the cost.
"""

from __future__ import annotations

from typing import Any, Sequence

from services.entities.parse_scope import PARSED_LANGUAGES, ParseRange, sentences_to_parse
from shared.core.parse import CompactParse
from shared.lexicon.speech import FORM_LEMMA

# Components that only the parse needs (a tok2vec is one too, unless `ner` listens to it).
PARSE_ONLY = ("tagger", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "senter")
# Languages whose lemmas come from the speech lexicon instead of the model: the quotes stage reads the
# lemma of speech verbs only, and English `attribute_ruler` + `lemmatizer` cost 14% of the parse
# (tags, heads and labels are the same without them: docs/performance.md).
LEXICON_LEMMAS = {"en": ("attribute_ruler", "lemmatizer")}


def _tok2vec_for_ner(nlp: Any, name: str) -> bool:
    listeners = getattr(nlp.get_pipe(name), "listening_components", ())
    return "ner" in listeners


def ner_disabled(nlp: Any) -> list[str]:
    """The enabled components of `nlp` that the NER half skips (parse components, and a tok2vec only they use)."""
    return [n for n in nlp.pipe_names if n in PARSE_ONLY or (n == "tok2vec" and not _tok2vec_for_ner(nlp, n))]


def parse_disabled(nlp: Any, language: str = "en") -> list[str]:
    """The enabled components of `nlp` that the parse half of `language` skips: all but the parse and its
    tok2vec, and the lemma components where the lexicon gives the lemmas (`LEXICON_LEMMAS`)."""
    skip = LEXICON_LEMMAS.get(language, ())
    return [n for n in nlp.pipe_names if (n not in PARSE_ONLY and n != "tok2vec") or n in skip]


def can_parse(nlp: Any) -> bool:
    """Whether `nlp` has an enabled dependency parser."""
    return "parser" in nlp.pipe_names


def parse_batch(
    nlp: Any,
    texts: Sequence[str],
    language: str,
    scope: str,
    batch_size: int,
) -> tuple[list[CompactParse | None], list[list[ParseRange]]]:
    """The compact parse of each text's chosen chunks (None: nothing chosen), and the chunks themselves;
    `nlp` is the model of `language`.

    `texts` are what the tokenizer sees (same length as the events' text, so offsets index it).
    """
    ranges = [sentences_to_parse(t, language, scope) for t in texts]
    flat = [(i, r.start) for i, rs in enumerate(ranges) for r in rs]
    out: list[CompactParse | None] = [None] * len(texts)
    if not flat:
        return out, ranges
    docs = nlp.pipe(
        (texts[i][r.start : r.end] for i, rs in enumerate(ranges) for r in rs),
        disable=parse_disabled(nlp, language),
        batch_size=batch_size,
    )
    lemmas = FORM_LEMMA if language in LEXICON_LEMMAS else None
    chunks: dict[int, list[tuple[Any, int]]] = {}
    for (i, offset), doc in zip(flat, docs):
        chunks.setdefault(i, []).append((doc, offset))
    for i, parsed in chunks.items():
        out[i] = CompactParse.from_docs(parsed, lemmas)
    return out, ranges


def skipped_parse(language: str | None, scope: str, nlp: Any) -> str | None:
    """Why an article of `language` gets no parse (None: it is parsed, where its sentences need it)."""
    if scope == "none":
        return "parse scope is 'none'"
    if (language or "").lower() not in PARSED_LANGUAGES:
        return f"no parser for language {language!r} (parsed: {', '.join(PARSED_LANGUAGES)})"
    if nlp is None or not can_parse(nlp):
        return "the model has no parser"
    return None


__all__ = ["PARSE_ONLY", "ner_disabled", "parse_disabled", "can_parse", "parse_batch", "skipped_parse"]
