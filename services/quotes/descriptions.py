"""Speakers described rather than named: 'the minister', 'a council spokesman'."""

from __future__ import annotations

from shared.lexicon.function_words import DESCRIPTION_FUNCTION_WORDS
from shared.lexicon.vocabulary import UNNAMED_HEADS

MAX_DESCRIPTION_WORDS = 8


def description(core: list[str]) -> str:
    """The words of a speaker phrase up to a relative clause, as the speaker's description."""
    words = []
    for t in core:
        if t.lower() in ("who", "which", "that"):
            break
        words.append(t)
    return " ".join(words[:MAX_DESCRIPTION_WORDS]).strip(" ,.;:")


def is_unnamed(desc: str) -> bool:
    """Whether a description stands for a speaker left unnamed ('officials', 'a spokesman')."""
    ws = desc.lower().split()
    return bool(ws) and (ws[-1] in UNNAMED_HEADS or ws[-1].endswith("s") and not ws[-1].endswith("ss"))


def is_fragment(desc: str) -> bool:
    """Whether a description has no content word ('and', 'it'): not a speaker."""
    return not any(
        w[:1].isalpha() and w.lower().replace("\u2019", "'").split("'")[0] not in DESCRIPTION_FUNCTION_WORDS
        for w in desc.split()
    )  # "It's", "There's" are function words too
