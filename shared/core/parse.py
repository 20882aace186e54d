"""The compact dependency parse the entities stage passes to the quotes stage (pure data, no spaCy).

The entities stage runs the parser once, on the sentences that need it, and stores tokens as
parallel tuples whose offsets index the event's `text`; the quotes stage reads syntax from it
without running a model. Serialised as `{"v": 1, "start": [...], ...}` under the event's "parse" key.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Iterable

from shared.core.errors import InvalidEvent

PARSE_FORMAT = 1
_INT_FIELDS = ("start", "end", "head")
_STR_FIELDS = ("dep", "tag", "lemma")


@dataclass(frozen=True)
class CompactParse:
    """Dependency parse of the sentences the entities stage parsed; offsets index the event's `text`."""

    start: tuple[int, ...] = ()
    end: tuple[int, ...] = ()
    head: tuple[int, ...] = ()
    dep: tuple[str, ...] = ()
    tag: tuple[str, ...] = ()
    lemma: tuple[str, ...] = ()
    sents: tuple[tuple[int, int], ...] = ()

    def __len__(self) -> int:
        return len(self.start)

    def to_json(self) -> dict:
        """The JSON object stored under the event's "parse" key."""
        return {
            "v": PARSE_FORMAT,
            "start": list(self.start),
            "end": list(self.end),
            "head": list(self.head),
            "dep": list(self.dep),
            "tag": list(self.tag),
            "lemma": list(self.lemma),
            "sents": [[a, b] for a, b in self.sents],
        }

    @classmethod
    def from_json(cls, obj: Any) -> "CompactParse":
        """Read and check a parse object; raise InvalidEvent saying what is malformed."""
        if not isinstance(obj, dict):
            raise InvalidEvent(f"'parse' is a JSON {type(obj).__name__}, not an object")
        if obj.get("v") != PARSE_FORMAT:
            raise InvalidEvent(f"'parse' has format {obj.get('v')!r}, this worker reads {PARSE_FORMAT}")
        cols: dict[str, tuple] = {}
        for name in _INT_FIELDS + _STR_FIELDS:
            value = obj.get(name)
            kind = int if name in _INT_FIELDS else str
            if not isinstance(value, list) or not all(type(v) is kind for v in value):
                raise InvalidEvent(f"'parse.{name}' is not a list of {kind.__name__}")
            cols[name] = tuple(value)
        n = len(cols["start"])
        if any(len(c) != n for c in cols.values()):
            raise InvalidEvent("'parse' columns differ in length")
        if any(not 0 <= h < n for h in cols["head"]):
            raise InvalidEvent("'parse.head' points outside the tokens")
        if any(not 0 <= s <= e for s, e in zip(cols["start"], cols["end"])):
            raise InvalidEvent("'parse' has a token ending before it starts")
        if any(b < a for a, b in zip(cols["start"], cols["start"][1:])):
            raise InvalidEvent("'parse' tokens are not in text order")
        sents = obj.get("sents")
        if not isinstance(sents, list) or not all(
            isinstance(s, list) and len(s) == 2 and all(type(x) is int for x in s) and 0 <= s[0] < s[1] <= n
            for s in sents
        ):
            raise InvalidEvent("'parse.sents' is not a list of [first, last+1] token ranges")
        return cls(sents=tuple((a, b) for a, b in sents), **cols)

    @classmethod
    def from_docs(cls, chunks: Iterable[tuple[Any, int]]) -> "CompactParse":
        """Join parsed spaCy Docs, each `(doc, char_offset)` parsed from `text[char_offset:]`, in text order."""
        start: list[int] = []
        end: list[int] = []
        head: list[int] = []
        dep: list[str] = []
        tag: list[str] = []
        lemma: list[str] = []
        sents: list[tuple[int, int]] = []
        for doc, offset in sorted(chunks, key=lambda c: c[1]):
            base = len(start)
            for tok in doc:
                start.append(offset + tok.idx)
                end.append(offset + tok.idx + len(tok.text))
                head.append(base + tok.head.i)
                dep.append(tok.dep_)
                tag.append(tok.tag_)
                lem = tok.lemma_
                lemma.append("" if lem == tok.text.lower() else lem)
            sents.extend((base + s.start, base + s.end) for s in doc.sents if s.end > s.start)
        return cls(tuple(start), tuple(end), tuple(head), tuple(dep), tuple(tag), tuple(lemma), tuple(sents))

    # --- accessors for the quotes stage ---------------------------------------------------

    @cached_property
    def _children(self) -> tuple[tuple[int, ...], ...]:
        kids: list[list[int]] = [[] for _ in self.start]
        for i, h in enumerate(self.head):
            if h != i:
                kids[h].append(i)
        return tuple(tuple(k) for k in kids)

    @cached_property
    def _sent_starts(self) -> tuple[int, ...]:
        return tuple(a for a, _ in self.sents)

    def children(self, i: int) -> tuple[int, ...]:
        """Token indices whose head is token `i`, in text order."""
        return self._children[i]

    def token_text(self, i: int, text: str) -> str:
        """The text of token `i`."""
        return text[self.start[i] : self.end[i]]

    def lemma_of(self, i: int, text: str) -> str:
        """The lemma of token `i` (the lowercased token text where none was stored)."""
        return self.lemma[i] or self.token_text(i, text).lower()

    def token_at(self, char: int) -> int | None:
        """The token covering character `char`, or None (outside any parsed token)."""
        k = bisect.bisect_right(self.start, char) - 1
        if k >= 0 and char < self.end[k]:
            return k
        return None

    def tokens_between(self, start_char: int, end_char: int) -> range:
        """Indices of the tokens lying wholly within `[start_char, end_char)`."""
        lo = bisect.bisect_left(self.start, start_char)
        hi = lo
        while hi < len(self.start) and self.end[hi] <= end_char:
            hi += 1
        return range(lo, hi)

    def sent_of(self, i: int) -> tuple[int, int] | None:
        """The token range `[first, last+1)` of the parsed sentence holding token `i`."""
        k = bisect.bisect_right(self._sent_starts, i) - 1
        if k >= 0 and i < self.sents[k][1]:
            return self.sents[k]
        return None

    def is_parsed(self, start_char: int, end_char: int) -> bool:
        """Whether some parsed sentence overlaps `[start_char, end_char)`."""
        return any(
            self.start[a] < end_char and start_char < self.end[b - 1] for a, b in self.sents if self.start[a] < end_char
        )

    def subtree(self, i: int) -> tuple[int, int]:
        """The token range `[left, right+1)` of token `i` and everything under it."""
        lo = hi = i
        stack = [i]
        while stack:
            j = stack.pop()
            lo, hi = min(lo, j), max(hi, j)
            stack.extend(self._children[j])
        return lo, hi + 1

    def ancestors(self, i: int) -> Iterable[int]:
        """Heads of token `i` up to its sentence root."""
        seen = {i}
        while self.head[i] != i and self.head[i] not in seen:
            i = self.head[i]
            seen.add(i)
            yield i


__all__ = ["PARSE_FORMAT", "CompactParse"]
