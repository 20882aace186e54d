"""Lookups over spans of a text kept in order of their starts."""

from __future__ import annotations

import bisect
from typing import Protocol, Sequence, TypeVar


class Span(Protocol):
    """Anything with character offsets into a text."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


S = TypeVar("S", bound=Span)


def spans_within(spans: Sequence[S], starts: Sequence[int], start: int, end: int) -> list[S]:
    """The spans lying within text[start:end], in order; `spans` sorted by start, `starts` their starts."""
    k = bisect.bisect_left(starts, start)
    out = []
    while k < len(spans) and spans[k].start < end:
        if spans[k].end <= end:
            out.append(spans[k])
        k += 1
    return out
