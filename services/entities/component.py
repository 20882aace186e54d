"""The spaCy component `newsflow_entity_fixes`: trims, drops and relabels the model's entity spans.

It runs after `ner` and only looks at tokens and `doc.ents`, so it works on
`spacy.blank("en")` with hand-set entities as well as on a trained pipeline.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from spacy.attrs import LOWER, ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from services.entities.logic import DOC_TEXT, span_text
from shared.lexicon.names import is_common_given_name
from shared.lexicon.vocabulary import (
    COMPANY_NOUNS,
    COUNTRIES,
    COURTESY,
    DEMONYM_ENDINGS,
    ORG_AFTER,
    ORG_HEADS,
    ORG_POSSESSED,
    PARTIES,
    PLACE_HEADS,
    RANK_TITLES,
    REGION_WORDS,
    SPORT_WORDS,
)

COMPONENT_NAME = "newsflow_entity_fixes"
_PARTY_FIRST_WORDS = frozenset(p.split()[0] for p in PARTIES)
_PARTY_WORDS = frozenset(w for p in PARTIES for w in p.split())
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW"})
_LEADING_DROP = frozenset({"the", "a", "an"})
_TRAILING_DROP = frozenset({"'s", "\u2019s", "'", "\u2019", ",", ".", "-", ":", ";"})
_LOCATIVE = frozenset({"in", "at", "across", "around", "throughout", "inside", "near"})
_NOISE = re.compile(r"^[\W\d_]*$|\d+(?:\.\d+)?(?:bn|m|k|%)$|^[$£€¥]")
_INNER_SPLIT = frozenset({"in", "at", "to"})
_EXCHANGES = frozenset({"nyse", "nasdaq", "lse", "ftse", "tsx", "asx", "otc"})


@Language.component(COMPONENT_NAME)
def newsflow_entity_fixes(doc: Doc) -> Doc:
    """Fix `doc.ents` for news: trim articles and possessives, drop noise, correct plain label errors."""
    orths, lower = doc.to_array([ORTH, LOWER]).T.tolist()  # one pass: each reads the token's lexeme
    sporty = is_sports_text(doc, lower)
    text = doc.user_data.get(DOC_TEXT)
    if text is None:
        text = doc.text  # made once: Doc.text joins every token
    words = lexemes(doc, orths)
    spans: list[Span] = []
    for ent in doc.ents:
        span = trim(ent, words, text)
        if span is None:
            continue
        for part in (p for piece in split_inner_place(span, words) for p in split_coordination(piece, words)):
            if is_noise(part, words, text):
                continue
            part = extend_coordinated_list(part, words)
            part = extend_title_of_place(part, words)
            part = extend_armed_force(part, words)
            part = extend_rank_title(part, words, spans[-1].end if spans else 0)
            part = extend_party(part, words, spans[-1].end if spans else 0)
            label = fix_label(part, words, sporty, text)
            if label != part.label_:
                part = Span(doc, part.start, part.end, label=label)
            spans.extend(split_people(part, words) if label == "PERSON" else [part])
    spans = _propagate_place_labels(spans, text)
    spans = _relabel_by_context(spans, words, text)
    spans = _add_missing_parties(doc, spans, words, lower)
    # the spans are the doc's own: `set_ents` takes them as they are (the `ents` setter makes each anew)
    doc.set_ents(filter_spans(spans))  # a span extended over its neighbour wins
    return doc


def _lower_ids(doc: Doc) -> list[int]:
    """The LOWER attribute of every token: scanning a whole doc without making Token objects."""
    return doc.to_array(LOWER).tolist()


class Lex(NamedTuple):
    """What the fixes read of a token, named as on `Token`; the same for every token of one word (a lexeme's)."""

    text: str
    lower_: str
    is_title: bool
    is_upper: bool
    is_lower: bool
    like_num: bool
    is_space: bool


# Each language's words as `Lex` rows, by ORTH id (a hash of the word's text), made once per process:
# spaCy makes a new Token object at every `doc[i]`, and the fixes read some 20 tokens per entity.
_LEXEMES: dict[str, dict[int, Lex]] = {}
_LEXEMES_HELD = 1 << 18  # then a language's rows start again: a long-running worker's vocabulary keeps growing


def lexemes(doc: Doc, orths: list[int] | None = None) -> list[Lex]:
    """The `Lex` row of every token of `doc` (index i: token i), read as words of the doc's language.

    `orths`: the tokens' ORTH ids, if the caller has them."""
    rows = _LEXEMES.setdefault(doc.lang_, {})
    if orths is None:
        orths = doc.to_array(ORTH).tolist()
    missing = set(orths).difference(rows)
    if missing:
        if len(rows) + len(missing) > _LEXEMES_HELD:
            rows.clear()
        vocab = doc.vocab
        for orth in missing:
            lex = vocab[orth]
            rows[orth] = Lex(
                lex.orth_, lex.lower_, lex.is_title, lex.is_upper, lex.is_lower, lex.like_num, lex.is_space
            )
    return [rows[orth] for orth in orths]


# A word's string id is a hash of its text, the same in every vocab: each word set's ids are computed once.
_WORD_IDS: dict[frozenset[str], frozenset[int]] = {}


def _ids_of(doc: Doc, words: frozenset[str]) -> frozenset[int]:
    ids = _WORD_IDS.get(words)
    if ids is None:
        strings = doc.vocab.strings
        ids = _WORD_IDS[words] = frozenset(strings[w] for w in words)
    return ids


def is_sports_text(doc: Doc, lower: list[int] | None = None) -> bool:
    """Whether a text reads as a sports report (three sports words, two of them different), where countries
    are teams. One word repeated is not enough: 'nations' six times is a summit ('the G7 nations').
    On the 2,225 BBC articles against their category: 444 sport reports found of 511, 37 other articles
    taken for sport (451 and 57 by three words alone, 411 and 19 by three different words).

    `lower`: the doc's LOWER ids, if the caller has them."""
    sport = _ids_of(doc, SPORT_WORDS)
    hits = [w for w in (_lower_ids(doc) if lower is None else lower) if w in sport]
    return len(hits) >= 3 and len(set(hits)) >= 2


def trim(ent: Span, words: list[Lex], text: str | None = None) -> Span | None:
    """The span without a leading article, a trailing possessive/punctuation or a parenthesised tail.

    `text`: the doc's text, if the caller has it (no bracket in the span's characters: no token to look at)."""
    start, end = ent.start, ent.end
    while start < end and words[start].lower_ in _LEADING_DROP:
        start += 1
    chars = text[ent.start_char : ent.end_char] if text is not None else "(["
    if "(" in chars or "[" in chars:
        for i in range(start, end):
            if words[i].text in ("(", "["):
                end = i
                break
    while end > start and (words[end - 1].lower_ in _TRAILING_DROP or words[end - 1].is_space):
        end -= 1
    if start >= end:
        return None
    if (start, end) == (ent.start, ent.end):
        return ent
    return Span(ent.doc, start, end, label=ent.label_)


_NAME_PREPS = frozenset({"of", "for", "&"})
_TITLED_OF = frozenset(
    {
        "duke",
        "duchess",
        "prince",
        "princess",
        "earl",
        "countess",
        "archbishop",
        "bishop",
        "marquess",
        "viscount",
        "baroness",
        "baron",
    }
)


def split_coordination(span: Span, words: list[Lex]) -> list[Span]:
    """'Acme Trust and Liberty Aid' -> two names. A name with a preposition before the 'and'
    ('Department of Farms and Forests') or one word on the left ('Smith and Sons') stays whole."""
    doc = span.doc
    if span.label_ not in ("ORG", "GPE", "LOC", "FAC", "NORP"):
        return [span]
    for i in range(span.start + 2, span.end - 1):
        if (
            words[i].lower_ == "and"
            and words[i + 1].is_title
            and not any(t.lower_ in _NAME_PREPS for t in words[span.start : i])
            and all(t.is_title or t.is_upper or t.like_num for t in words[span.start : i])
        ):
            return [Span(doc, span.start, i, label=span.label_), Span(doc, i + 1, span.end, label=span.label_)]
    return [span]


def split_people(span: Span, words: list[Lex]) -> list[Span]:
    """'Cruz and Rubio' -> two people: a PERSON span is never a pair of names joined by 'and'/'&'
    (the pair would become one speaker, and each surname of the article its mention)."""
    doc = span.doc
    for i in range(span.start + 1, span.end - 1):
        if words[i].lower_ in ("and", "&") and words[i - 1].is_title and words[i + 1].is_title:
            return [
                Span(doc, span.start, i, label="PERSON"),
                *split_people(Span(doc, i + 1, span.end, label="PERSON"), words),
            ]
    return [span]


def extend_coordinated_list(span: Span, words: list[Lex]) -> Span:
    """'Office for Roads Rail' + 'and Ports': a name listing several fields after 'for'/'of'
    that the model cut at the 'and'."""
    doc = span.doc
    if span.label_ != "ORG" or span.end + 1 >= len(doc):
        return span
    preps = [i for i in range(span.start + 1, span.end) if words[i].lower_ in ("of", "for")]
    if not preps or span.end - preps[-1] - 1 < 2 or not all(t.is_title for t in words[preps[-1] + 1 : span.end]):
        return span
    if words[span.end].lower_ in ("and", "&") and words[span.end + 1].is_title:
        return Span(doc, span.start, span.end + 2, label="ORG")
    return span


def extend_title_of_place(span: Span, words: list[Lex]) -> Span:
    """'Duke' + 'of Westland': a title of nobility or of the church is the person's name with its place."""
    doc = span.doc
    first = words[span.start]
    if len(span) != 1 or first.lower_ not in _TITLED_OF or not first.is_title or span.end + 1 >= len(doc):
        return span
    if words[span.end].lower_ == "of" and words[span.end + 1].is_title:
        return Span(doc, span.start, span.end + 2, label="PERSON")
    return span


_FORCES = frozenset({"army", "navy"})


def extend_armed_force(span: Span, words: list[Lex]) -> Span:
    """'Russian' + 'army': a nation's army or navy is an organisation ('the Ukrainian army denied it')."""
    doc = span.doc
    if span.label_ not in ("NORP", "GPE") or len(span) != 1 or span.end >= len(doc):
        return span
    nxt = words[span.end]
    if nxt.lower_ in _FORCES and nxt.is_lower:
        return Span(doc, span.start, span.end + 1, label="ORG")
    if nxt.lower_ == "air" and span.end + 1 < len(doc) and words[span.end + 1].lower_ == "force":
        return Span(doc, span.start, span.end + 2, label="ORG")
    return span


def split_inner_place(span: Span, words: list[Lex]) -> list[Span]:
    """'Oak Lane Primary School in Millbrook' -> the school and the place, as two spans.

    Names only: a date or an amount ('the year to March 2005') holds no place."""
    doc = span.doc
    if span.label_ not in NAME_LABELS:
        return [span]
    for i in range(span.start + 1, span.end - 1):
        if words[i].lower_ in _INNER_SPLIT and words[i].is_lower and words[i + 1].is_title:
            tail_words = doc[i + 1 : span.end].text.lower().split()
            tail_label = "FAC" if tail_words[-1] in PLACE_HEADS else "GPE"
            return [Span(doc, span.start, i, label=span.label_), Span(doc, i + 1, span.end, label=tail_label)]
    return [span]


def extend_rank_title(span: Span, words: list[Lex], floor: int) -> Span:
    """A PERSON span with the rank title before it that the model left out ('Pope' Gregory)."""
    if span.label_ != "PERSON":
        return span
    start = span.start
    doc = span.doc
    while start - 1 >= floor and words[start - 1].is_title and words[start - 1].lower_ in RANK_TITLES:
        start -= 1
    return span if start == span.start else Span(doc, start, span.end, label="PERSON")


def extend_party(span: Span, words: list[Lex], floor: int = 0) -> Span:
    """A party name the model cut short ('Liberal' or 'Democrat' of 'Liberal Democrat spokesman') as the whole name."""
    doc = span.doc
    if not all(t.lower_ in _PARTY_WORDS for t in words[span.start : span.end]):  # every result contains them
        return span
    for left in (1, 0):
        start = span.start - left
        if start < floor or not all(t.is_title for t in words[start : span.start]):
            continue
        for right in (2, 1, 0):
            end = span.end + right
            if (
                (left or right)
                and end <= len(doc)
                and all(t.is_title for t in words[span.end : end])
                and doc[start:end].text.lower() in PARTIES
            ):
                return Span(doc, start, end, label="ORG")
    return span


def is_noise(span: Span, words: list[Lex], doc_text: str | None = None) -> bool:
    """Scraping debris or numbers the model took for a name: '200bn', a ticker symbol, a lone mark
    (`words`: the doc's `lexemes`)."""
    if span.label_ in NAME_LABELS:
        if _is_noise_text(span_text(span, doc_text)):
            return True
        # a ticker: "(Nasdaq: MSFT)"
        if span.start >= 2 and words[span.start - 1].text == ":" and words[span.start - 2].lower_ in _EXCHANGES:
            return True
    return False


@lru_cache(maxsize=1 << 16)  # names recur within and across articles
def _is_noise_text(text: str) -> bool:
    """Whether a name's text is a number or debris: no letter, no capital, a lone mark, '200bn'."""
    if _NOISE.search(text) or len(text) < 2 or not any(c.isalpha() for c in text):
        return True
    return not any(c.isupper() for c in text)


def fix_label(span: Span, words: list[Lex], sporty: bool = False, text: str | None = None) -> str:
    """The label a news editor would give this span, given its words and neighbours (`words`: the doc's
    `lexemes`)."""
    label = span.label_
    if label not in NAME_LABELS:
        return label
    low = span_text(span, text).lower()
    parts = low.split()  # the span's own words, lower case
    doc = span.doc
    nxt = words[span.end].lower_ if span.end < len(doc) else ""
    prev = words[span.start - 1].lower_ if span.start > 0 else ""
    if low in PARTIES and label in ("PERSON", "GPE", "LOC", "FAC", "PRODUCT", "NORP"):
        return "ORG"  # a party is an organisation, also as a modifier ("a Tory MP")
    if sporty and low in COUNTRIES and label in ("GPE", "LOC", "NORP", "ORG", "PERSON"):
        return "GPE" if prev in _LOCATIVE else "ORG"
    if (
        label in ("GPE", "LOC")
        and len(parts) == 1
        and parts[0].endswith(DEMONYM_ENDINGS[:4])
        and nxt.isalpha()
        and nxt.islower()
        and parts[0] not in COUNTRIES
    ):
        return "NORP"
    if (
        label in ("ORG", "GPE", "LOC", "FAC", "PRODUCT", "WORK_OF_ART")
        and len(parts) == 2
        and is_common_given_name(parts[0])
        and words[span.start + 1].is_title
        and parts[1] not in ORG_HEADS
        and parts[1] not in PLACE_HEADS
    ):
        return "PERSON"
    if (
        label in ("PRODUCT", "WORK_OF_ART", "ORG", "PERSON", "NORP", "LOC", "FAC")
        and nxt in REGION_WORDS
        and len(parts) == 1
    ):
        return "GPE"
    if parts[-1] in ORG_HEADS and label in ("PERSON", "GPE", "LOC", "NORP", "PRODUCT", "FAC", "WORK_OF_ART"):
        return "ORG"
    if (
        parts[-1] in PLACE_HEADS
        and label in ("PERSON", "ORG", "GPE", "PRODUCT", "WORK_OF_ART")
        and not any(w in ORG_HEADS for w in parts)
    ):
        return "FAC"
    if label == "PRODUCT" and prev in _LOCATIVE | {"of", "from"} and len(parts) == 1:
        return "GPE"
    return label


def _propagate_place_labels(spans: list[Span], doc_text: str | None = None) -> list[Span]:
    """Give every mention of a name the place label one of its mentions earned ('the Novoland region')."""
    texts = [span_text(s, doc_text) for s in spans]
    labels = [s.label_ for s in spans]
    fixed: dict[str, str] = {}
    for text, old in zip(texts, labels):
        if old in ("GPE", "LOC", "FAC"):
            fixed.setdefault(text, old)
    out = []
    for s, text, old in zip(spans, texts, labels):
        label = fixed.get(text)
        if label and old in ("PRODUCT", "WORK_OF_ART", "NORP") and text.lower() not in COUNTRIES:
            s = Span(s.doc, s.start, s.end, label=label)
        out.append(s)
    return out


_CONTEXT_LABELS = frozenset({"PERSON", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT", "ORG"})


def context_label(span: Span, words: list[Lex], text: str | None = None) -> str | None:
    """'PERSON' or 'ORG' when the words around a span say so, whatever the model said; else None.

    A courtesy title before it makes a person ('Mr Roe'); a company noun before it
    ('software firm Zentrix'), a spokesman after it ('a Zentrix spokeswoman'), a company's
    possession ("Zentrix's shares") or ', which' make an organisation, unless the span starts
    with a given name.
    """
    doc = span.doc
    prev = words[span.start - 1] if span.start > 0 else None
    first = words[span.start]
    if (
        first.lower_.rstrip(".") in COURTESY
        and len(span) > 1
        or prev is not None
        and prev.lower_.rstrip(".") in COURTESY
        and prev.is_title
    ):
        return "PERSON"
    if (
        is_common_given_name(first.lower_) or span_text(span, text).lower() in COUNTRIES or span.label_ == "NORP"
    ):  # "a European consortium": an adjective, not a name
        return None
    if prev is not None and prev.is_lower and prev.lower_ in COMPANY_NOUNS:
        return "ORG"
    if span.end >= len(doc):
        return None
    nxt = words[span.end]  # the words after the span are read one at a time, as the tests below need them
    if nxt.is_lower and nxt.lower_ in ORG_AFTER:
        return "ORG"
    if span.end + 1 >= len(doc):
        return None
    if nxt.lower_ in ("'s", "\u2019s") and words[span.end + 1].lower_ in ORG_POSSESSED:
        return "ORG"
    if nxt.text == "," and words[span.end + 1].lower_ == "which" and span.label_ == "PERSON":
        return "ORG"
    return None


def _relabel_by_context(spans: list[Span], words: list[Lex], doc_text: str | None = None) -> list[Span]:
    """Relabel every mention of a name one of whose mentions has person or company context."""
    texts = [span_text(s, doc_text) for s in spans]  # each span's text, label and first word made once
    olds = [s.label_ for s in spans]
    courtesy = [words[s.start].lower_.rstrip(".") in COURTESY for s in spans]
    evidence: dict[str, str] = {}
    for s, text, old, titled in zip(spans, texts, olds, courtesy):
        if old in _CONTEXT_LABELS:
            label = context_label(s, words, doc_text)
            if label is not None:
                key = text if label == "ORG" or not titled else span_text(s[1:], doc_text)
                if evidence.get(key, label) != label:
                    evidence[key] = "?"  # contradictory evidence: leave the model's labels alone
                else:
                    evidence[key] = label
    out = []
    for s, text, old, titled in zip(spans, texts, olds, courtesy):
        label = evidence.get(text)
        if label in ("PERSON", "ORG") and old in _CONTEXT_LABELS and old != label:
            s = Span(s.doc, s.start, s.end, label=label)
        elif old != "PERSON" and titled and len(s) > 1:
            s = Span(s.doc, s.start, s.end, label="PERSON")
        out.append(s)
    return out


def _add_missing_parties(doc: Doc, spans: list[Span], words: list[Lex], lower: list[int] | None = None) -> list[Span]:
    """Add party names the model missed ('Tories', 'Lib Dems', 'Conservative leader') as ORG where no entity covers them."""
    covered: set[int] = set()
    for s in spans:
        covered.update(range(s.start, s.end))
    out = list(spans)
    n = len(doc)
    firsts = _ids_of(doc, _PARTY_FIRST_WORDS)
    # only tokens that can start a party name are looked at, in order; a name found is skipped over
    after = 0
    for i, w in enumerate(_lower_ids(doc) if lower is None else lower):
        if w not in firsts or i < after:
            continue
        tok = words[i]
        if tok.is_title or tok.is_upper:
            for width in (3, 2, 1):
                j = i + width
                if j > n or any(k in covered for k in range(i, j)):
                    continue
                if all(t.is_title or t.is_upper for t in words[i:j]) and doc[i:j].text.lower() in PARTIES:
                    out.append(Span(doc, i, j, label="ORG"))
                    covered.update(range(i, j))
                    after = j
                    break
    out.sort(key=lambda s: s.start)
    return out
