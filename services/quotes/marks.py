"""Pairing quotation marks into spans, paragraph by paragraph, in one linear pass.

Double marks (curly or straight) delimit quotes; single marks are apostrophes or quotes
inside quotes and never break pairing. An unclosed quote ends at its paragraph's end, or
at the sentence end right before the next opening mark (BBC runs paragraphs together).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPENERS = "\u201c\u201e\u00ab"
CLOSERS = "\u201d\u00bb"
_MARK = re.compile('["\u201c\u201d\u201e\u00ab\u00bb]')
_BEFORE_OPEN = set(" \t\n([{/:\u2014\u2013-")
_AFTER_CLOSE = set(" \t\n,.;:!?)]}\u2014\u2013-'\u2019")


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """Text between a pair of marks: `start`/`end` index the text inside the marks."""

    start: int
    end: int
    open_mark: int
    close_mark: int | None  # None: the quote was left open (paragraph end or run-on)
    continues: bool  # this piece carries on speech left open just before it

    @property
    def marked(self) -> tuple[int, int]:
        """(start, end) of the quote with its marks (to the text's end of an open quote)."""
        return self.open_mark, (self.close_mark if self.close_mark is not None else self.end) + 1


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty line-separated paragraph of `text`."""
    out = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        if line.strip():
            out.append((pos, end))
        pos = end + 1
    return out


def _role(text: str, i: int, lo: int, hi: int) -> str:
    ch = text[i]
    if ch in OPENERS:
        return "open"
    if ch in CLOSERS:
        return "close"
    before_ok = i == lo or text[i - 1] in _BEFORE_OPEN
    after_ok = i + 1 >= hi or text[i + 1] in _AFTER_CLOSE
    if before_ok and not after_ok:
        return "open"
    if after_ok and not before_ok:
        return "close"
    return "either"


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """text[start:end] without the white space at either end, as (start, end)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def pair_quotes(text: str) -> list[QuoteSpan]:
    """Every quoted span of `text` in order; unbalanced marks never raise, they end at the paragraph."""
    spans: list[QuoteSpan] = []
    carried = False  # the previous paragraph ended inside a quote
    for lo, hi in paragraphs(text):
        open_at: int | None = None
        continues = False
        first_mark = True
        for m in _MARK.finditer(text, lo, hi):
            i = m.start()
            role = _role(text, i, lo, hi)
            if role == "either":
                role = "open" if open_at is None else "close"
            if role == "open":
                if open_at is not None:
                    # the earlier quote was never closed: it ends right before this mark
                    _add_span(spans, text, open_at, i, None, continues)
                    continues = True
                else:
                    continues = carried and first_mark and not text[lo:i].strip()
                open_at = i
            elif open_at is not None:
                _add_span(spans, text, open_at, i, i, continues)
                open_at = None
                continues = False
            first_mark = False
        carried = False
        if open_at is not None:
            _add_span(spans, text, open_at, hi, None, continues)
            carried = True
    return spans


def _add_span(spans: list[QuoteSpan], text: str, open_at: int, end: int, close_at: int | None, continues: bool) -> None:
    """Append the quote opened at `open_at` and ending before `end`, trimmed, unless nothing is left."""
    s, e = trim(text, open_at + 1, end)
    if e > s:
        spans.append(QuoteSpan(s, e, open_at, close_at, continues))
