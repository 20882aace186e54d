"""Whether a speaker phrase is a name or a noun phrase, read from the parse: never a piece of a sentence.

A speaker that is not one of the article's entity names must be a well-formed noun phrase:
its words hold no finite verb or auxiliary, and it does not open with a preposition,
conjunction, wh-word, adverb or number ('Asked what he', 'with 64', 'government has').
Phrases outside the parse are left to the text patterns' own checks.
"""

from __future__ import annotations

from shared.core.parse import CompactParse

BAD_OPENING_TAGS = frozenset(
    {
        "IN",
        "CC",
        "WDT",
        "WP",
        "WRB",
        "RB",
        "RBR",
        "RBS",
        "TO",
        "UH",
        "CD",
        "MD",
        "VB",
        "VBD",
        "VBP",
        "VBZ",
        "VBG",
        "VBN",
        "EX",
        "RP",
    }
)
VERB_TAGS = frozenset({"VB", "VBD", "VBP", "VBZ", "MD"})
OPENING_WORDS_ALLOWED = frozenset({"former", "then"})


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


__all__ = ["is_fragment_phrase"]
