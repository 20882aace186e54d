"""Sentence bounds of plain text by rule, no model: cheap enough to run on every article.

A sentence ends at '.', '!' or '?' (with any closing quotation marks after it) followed by
space and something that can start a sentence (a capital, a digit, an opening mark), or at
a line break; a full stop after an abbreviation ('Mr.', 'U.S.') or an initial ('J.') does
not end one. Shared by the entities stage (which sentences to parse) and the quotes stage.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

# Words written with a full stop that does not end the sentence ('Sen. Jane Roe', 'the U.S. Senate').
ABBREVIATIONS = frozenset(
    """
mr mrs ms dr sen rep gov gen lt col sgt capt prof rev st jr sr no vs inc corp co ltd jan feb mar apr aug sept
sep oct nov dec u.s u.k u.n d.c mt ft det supt insp cllr atty cmdr maj adm
""".split()
)
_WORD_BEFORE = re.compile(r"([\w.]+)$")
_SENT_BREAK = re.compile(
    r"[.!?]+(?:[ \u00a0\u202f]?[\"\u201d\u2019'\u00bb])*(?=\s+[\"\u201c\u2018'\u00ab\u201e\w(\[])|\n"
)
# A word: letters with inner apostrophes, hyphens and full stops ('U.S.', 'Roe-Smith', 'O\u2019Neil').
WORD = re.compile(r"\w[\w'\u2019\-]*(?:\.\w[\w'\u2019\-]*)*")
_NEXT_CHAR = re.compile(r"\s*(\S)")  # \s is what str.strip() strips
_QUOTE_SENT_END = re.compile(r"[.!?][\"\u201d\u2019']?(?=\s+[\"\u201c\u2018A-Z0-9])|\n")


def is_abbreviation_stop(text: str, stop: int) -> bool:
    """Whether the full stop at `stop` closes an abbreviation or an initial ('Sen.', 'U.S.', 'J.')."""
    if text[stop : stop + 1] != ".":
        return False
    w = _WORD_BEFORE.search(text, max(0, stop - 12), stop)
    if w is None:
        return False
    word = w.group(1).rstrip(".")
    return word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isupper())


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of the sentences of `text`, leading space trimmed; blank stretches are none."""
    return list(_sentences(text))


@lru_cache(maxsize=128)  # the entities and quotes stages of one process split the same texts
def _sentences(text: str) -> tuple[tuple[int, int], ...]:
    out, lo = [], 0
    for m in _SENT_BREAK.finditer(text):
        if _is_not_a_break(text, m):
            continue
        if m.end() > lo:
            out.append((lo, m.end()))
        lo = m.end()
    if lo < len(text):
        out.append((lo, len(text)))
    spans = []
    for s, e in out:
        first = _NEXT_CHAR.match(text, s, e)  # the first character that is not space, if any: no slice copied
        if first is not None:
            spans.append((first.start(1), e))
    return tuple(spans)


def _is_not_a_break(text: str, m: re.Match) -> bool:
    """An abbreviation's stop, or a stop before a lowercase word ('e.g. the')."""
    if m.group() == "\n":
        return False
    if is_abbreviation_stop(text, m.start()):
        return True
    nxt = _NEXT_CHAR.match(text, m.end())  # the first character after the space that follows
    return nxt is not None and nxt.group(1).isalpha() and nxt.group(1).islower()


def words(text: str, lo: int, hi: int) -> list[tuple[str, int, int]]:
    """(word, start, end) of the words of text[lo:hi]."""
    return [(m.group(0), m.start(), m.end()) for m in WORD.finditer(text, lo, hi)]


def more_words_than(text: str, ranges: list[tuple[int, int]], most: int) -> bool:
    """Whether the ranges of `text` hold more than `most` words in all (the count stops there: no scan of a
    whole long paragraph per quote)."""
    count = 0
    for lo, hi in ranges:
        for _ in WORD.finditer(text, lo, max(lo, hi)):
            count += 1
            if count > most:
                return True
    return False


# A sentence break for the quotes rules: a stop before a capital, a digit or an opening mark, or a line break;
# not the stop of an abbreviation ('Sen. Jane Roe', 'the U.S. Senate').
def _sentence_breaks(text: str, lo: int, hi: int):
    for m in _QUOTE_SENT_END.finditer(text, lo, hi):
        if not is_abbreviation_stop(text, m.start()):
            yield m


def sentence_end(text: str, pos: int, limit: int) -> int:
    """The end of the sentence running at `pos`, not past `limit`."""
    m = next(_sentence_breaks(text, pos, limit), None)
    return m.end() if m else limit


@lru_cache(maxsize=4)  # the rules of one article ask for many sentence starts in the same text
def _breaks_of(text: str) -> tuple[list[int], list[int]]:
    """(starts, ends) of the quotes rules' sentence breaks of the whole text, in text order."""
    found = list(_sentence_breaks(text, 0, len(text)))
    return [m.start() for m in found], [m.end() for m in found]


def sentence_start(text: str, pos: int, floor: int) -> int:
    """The start of the sentence that `pos` is in, not before `floor` (looks back at most 400 chars)."""
    lo = max(floor, pos - 400)
    starts, ends = _breaks_of(text)
    hi = min(len(text), pos + 2)
    k = bisect.bisect_right(ends, pos) - 1
    while k >= 0 and starts[k] >= lo:
        # a break counts as the text up to pos + 1 shows it (a sentence starting at `pos` included)
        m = _QUOTE_SENT_END.match(text, starts[k], hi)
        if m is not None and m.end() == ends[k]:
            return ends[k]
        k -= 1
    return lo


__all__ = [
    "ABBREVIATIONS",
    "WORD",
    "is_abbreviation_stop",
    "more_words_than",
    "sentence_end",
    "sentence_start",
    "sentences",
    "words",
]
