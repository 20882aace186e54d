"""Whether a speaker phrase is a name or a noun phrase, read from the parse: never a piece of a sentence.

A speaker that is not one of the article's entity names must be a well-formed noun phrase:
its words hold no finite verb or auxiliary, and it does not open with a preposition,
conjunction, wh-word, adverb or number ('Asked what he', 'with 64', 'government has').
Phrases outside the parse are left to the text patterns' own checks.
"""

from __future__ import annotations

from typing import Callable

from shared.core.parse import CompactParse
from shared.lexicon.function_words import OPENING_WORDS_ALLOWED

BAD_OPENING_TAGS = frozenset("IN CC WDT WP WRB RB RBR RBS TO UH CD MD VB VBD VBP VBZ VBG VBN EX RP".split())
VERB_TAGS = frozenset({"VB", "VBD", "VBP", "VBZ", "MD"})


def is_fragment_phrase(
    parse: CompactParse, text: str, start: int, end: int, speaker: str, names: frozenset[str]
) -> bool:
    """Whether `speaker`, found at text[start:end], is a fragment of a sentence (True) or a name/phrase."""
    if speaker in names:
        return False
    toks = [t for t in parse.tokens_between(start, end) if parse.tag[t] not in (",", ".", ":", "``", "''", "HYPH")]
    words = set(speaker.lower().split())
    toks = [t for t in toks if parse.token_text(t, text).lower() in words]
    if not toks:
        return False
    first = toks[0]
    if parse.tag[first] in BAD_OPENING_TAGS and parse.token_text(first, text).lower() not in OPENING_WORDS_ALLOWED:
        return True
    return any(parse.tag[t] in VERB_TAGS for t in toks)


COMMON_NOUN_TAGS = frozenset({"NN", "NNS"})


def phrase_head(parse: CompactParse, start: int, end: int) -> int | None:
    """The syntactic head of text[start:end]: its token whose head lies outside it."""
    toks = parse.tokens_between(start, end)
    return next((t for t in toks if parse.head[t] == t or not start <= parse.start[parse.head[t]] < end), None)


def noun_phrase_speaker(
    parse: CompactParse, text: str, start: int, end: int, in_entity: Callable[[int, int], str | None]
) -> tuple[str, str | None] | None:
    """The speaker a noun phrase names by its syntax, where that differs from the first name inside it:
    a common-noun head with a named apposition ('Another Clinton ally, Agriculture Secretary Tom
    Vilsack' -> the apposition's person), a common-noun head outside any entity ('Friends of
    Mr. Clinton', 'Clinton defenders') or a coordination ('Sanders and his supporters') -> the phrase
    itself. None: the phrase's head is a name (the resolver's answer stands). `in_entity(start, end)`
    gives the entity name covering a token's range, if any."""
    head = phrase_head(parse, start, end)
    if head is None:
        return None
    kids = parse.children(head)
    conj = [c for c in kids if parse.dep[c] == "conj" and start <= parse.start[c] < end]
    if conj:
        if all(in_entity(parse.start[t], parse.end[t]) for t in [head, *conj]):
            return None  # 'Jane Roe and John Doe': the resolver's joint speaker
    elif parse.tag[head] in COMMON_NOUN_TAGS:
        for c in kids:
            if parse.dep[c] == "appos" and parse.tag[c].startswith("NNP"):
                name = in_entity(parse.start[c], parse.end[c])
                if name is not None:
                    return name, "PERSON"
        if in_entity(parse.start[head], parse.end[head]) is not None:
            return None
    else:
        return None
    lo, hi = parse.subtree(head)
    keep = [t for t in range(lo, hi) if start <= parse.start[t] < end]
    for c in kids:  # the phrase without its relative clauses and trailing time words
        if parse.dep[c] in ("relcl", "acl", "appos", "npadvmod"):
            c_lo, c_hi = parse.subtree(c)
            keep = [t for t in keep if not c_lo <= t < c_hi]
    while keep and parse.dep[keep[-1]] in ("punct", "cc"):
        keep.pop()
    while keep and parse.tag[keep[0]] in ("DT", "CC", ",") and parse.dep[keep[0]] in ("cc", "punct"):
        keep.pop(0)
    if not keep:
        return None
    return text[parse.start[keep[0]] : parse.end[keep[-1]]], None


__all__ = ["is_fragment_phrase", "noun_phrase_speaker", "phrase_head"]
