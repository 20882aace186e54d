"""The compact dependency parse the entities stage passes to the quotes stage (pure data, no spaCy).

The entities stage runs the parser once, on the sentences that need it, and stores tokens as
parallel tuples whose offsets index the event's `text`; the quotes stage reads syntax from it
without running a model. Serialised under the event's "parse" key in a smaller form (format 2).

Note to "attribution" (parse-pass, 2026-12-02): the in-memory record and its accessors are unchanged;
only the JSON changed, to cut the bytes the parse adds to an entities event by more than half
(docs/performance.md): {"v": 2, "gap": start minus the previous token's end (the first: its start),
"len": end - start, "head": head - index (0: a root), "labels": the dependency labels and tags used,
"dep"/"tag": indices into "labels", "lemma": [[index, lemma], ...] only where one is stored, "sents"}.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Iterable, Mapping, Sequence

from shared.core.errors import InvalidEvent

PARSE_FORMAT = 2
_COLUMNS = ("gap", "len", "head", "dep", "tag")


def _int_list(obj: dict, name: str) -> list[int]:
    value = obj.get(name)
    if not isinstance(value, list) or not all(type(v) is int for v in value):
        raise InvalidEvent(f"'parse.{name}' is not a list of int")
    return value


# The texts of spaCy string hashes seen so far (0: ""), for every doc of the process: a hash is a function of
# its text alone, the same in every StringStore, and labels, tags and common words recur in every article.
_TEXTS: dict[int, str] = {0: ""}
_TEXTS_HELD = 1 << 18  # then it starts again: a long-running worker's vocabulary keeps growing


class _StringTexts:
    """The texts of spaCy string hashes (0: ""), each hash looked up in `strings` once per process."""

    def __init__(self, strings: Any) -> None:
        self._strings = strings

    def __call__(self, keys: list[int]) -> list[str]:
        seen = _TEXTS
        missing = set(keys).difference(seen)
        if missing:
            if len(seen) + len(missing) > _TEXTS_HELD:
                seen.clear()
                seen[0] = ""
            for key in missing:
                seen[key] = self._strings[key]
        get, strings = seen.get, self._strings  # a thread that started again in between: its keys from the store
        return [t if (t := get(k)) is not None else strings[k] for k in keys]


# Each lemma mapping (`from_docs`' `lemmas`) by the string hash of its forms, made once per mapping: a token's
# LOWER hash then gives its stored lemma without the text of the hash ("" where the form is its own lemma). A
# mapping is read once: the speech lexicon's are constants.
_LEMMAS_BY_HASH: dict[int, tuple[Mapping[str, str], dict[int, str]]] = {}


def _lemmas_by_hash(lemmas: Mapping[str, str], strings: Any) -> dict[int, str]:
    held = _LEMMAS_BY_HASH.get(id(lemmas))
    if held is None or held[0] is not lemmas:
        by_hash = {strings[form]: "" if lemma == form else lemma for form, lemma in lemmas.items()}
        held = _LEMMAS_BY_HASH[id(lemmas)] = (lemmas, by_hash)
    return held[1]


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
        """The JSON object stored under the event's "parse" key (format 2, see the module's docstring)."""
        labels = list(dict.fromkeys(self.dep + self.tag))
        code = {label: k for k, label in enumerate(labels)}
        ends = (0,) + self.end[:-1]
        return {
            "v": PARSE_FORMAT,
            "gap": [s - e for s, e in zip(self.start, ends)],
            "len": [e - s for s, e in zip(self.start, self.end)],
            "head": [h - i for i, h in enumerate(self.head)],
            "labels": labels,
            "dep": [code[d] for d in self.dep],
            "tag": [code[t] for t in self.tag],
            "lemma": [[i, lem] for i, lem in enumerate(self.lemma) if lem],
            "sents": [[a, b] for a, b in self.sents],
        }

    @classmethod
    def from_json(cls, obj: Any) -> "CompactParse":
        """Read and check a parse object; raise InvalidEvent saying what is malformed."""
        if not isinstance(obj, dict):
            raise InvalidEvent(f"'parse' is a JSON {type(obj).__name__}, not an object")
        if obj.get("v") != PARSE_FORMAT:
            raise InvalidEvent(f"'parse' has format {obj.get('v')!r}, this worker reads {PARSE_FORMAT}")
        cols = {name: _int_list(obj, name) for name in _COLUMNS}
        n = len(cols["gap"])
        if any(len(c) != n for c in cols.values()):
            raise InvalidEvent("'parse' columns differ in length")
        labels = obj.get("labels")
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            raise InvalidEvent("'parse.labels' is not a list of str")
        if any(not 0 <= k < len(labels) for k in cols["dep"] + cols["tag"]):
            raise InvalidEvent("'parse.dep' or 'parse.tag' points outside 'parse.labels'")
        head = tuple(i + h for i, h in enumerate(cols["head"]))
        if any(not 0 <= h < n for h in head):
            raise InvalidEvent("'parse.head' points outside the tokens")
        if any(g < 0 for g in cols["gap"]) or any(x < 0 for x in cols["len"]):
            raise InvalidEvent("'parse' tokens are not in text order (a negative gap or length)")
        start, end, at = [], [], 0
        for g, length in zip(cols["gap"], cols["len"]):
            start.append(at + g)
            at = at + g + length
            end.append(at)
        lemma = _lemmas(obj.get("lemma"), n)
        sents = _sents(obj.get("sents"), n)
        return cls(
            tuple(start),
            tuple(end),
            head,
            tuple(labels[k] for k in cols["dep"]),
            tuple(labels[k] for k in cols["tag"]),
            lemma,
            sents,
        )

    @classmethod
    def from_docs(cls, chunks: Iterable[tuple[Any, int]], lemmas: Mapping[str, str] | None = None) -> "CompactParse":
        """Join parsed spaCy Docs, each `(doc, char_offset)` parsed from `text[char_offset:]`, in text order.

        `lemmas` (lowercased form -> lemma, e.g. the speech lexicon's) gives the lemmas instead of the
        docs' own (a form not in it: none stored). Reads each doc as arrays (`Doc.to_array`), not Tokens;
        the string hashes of all the docs are turned into texts at once.
        """
        start: list[int] = []
        end: list[int] = []
        head: list[int] = []
        sents: list[tuple[int, int]] = []
        columns = ["DEP", "TAG", "LOWER"] if lemmas is not None else ["DEP", "TAG", "LOWER", "LEMMA"]
        hashes: list[list[int]] = [[] for _ in columns]  # of every token of the docs, by column
        strings = None
        for doc, offset in sorted(chunks, key=lambda c: c[1]):
            base = len(start)
            n = len(doc)
            if n == 0:
                continue
            strings = doc.vocab.strings
            idx, length, rel, sent_start = (
                doc.to_array(["IDX", "LENGTH", "HEAD", "SENT_START"]).astype("int64").T.tolist()
            )
            for column, values in zip(hashes, doc.to_array(columns).T.tolist()):
                column.extend(values)
            start.extend([offset + i for i in idx])
            end.extend([offset + i + k for i, k in zip(idx, length)])
            head.extend([base + i + r for i, r in enumerate(rel)])
            first = [base] + [base + i for i, s in enumerate(sent_start) if i and s == 1]
            sents.extend(zip(first, first[1:] + [base + n]))
        if strings is None:
            return cls()
        text_of = _StringTexts(strings)
        if lemmas is not None:
            by_hash = _lemmas_by_hash(lemmas, strings)
            lemma = [by_hash.get(k, "") for k in hashes[2]]
        else:
            lemma = ["" if a == w else a for a, w in zip(text_of(hashes[3]), text_of(hashes[2]))]
        dep, tag = text_of(hashes[0]), text_of(hashes[1])
        return cls(tuple(start), tuple(end), tuple(head), tuple(dep), tuple(tag), tuple(lemma), tuple(sents))

    # --- accessors for the quotes stage ---------------------------------------------------

    @cached_property
    def _children(self) -> list[list[int]]:
        # lists, not tuples made of them: made once per article over every token, read only
        kids: list[list[int]] = [[] for _ in self.start]
        for i, h in enumerate(self.head):
            if h != i:
                kids[h].append(i)
        return kids

    @cached_property
    def _sent_starts(self) -> tuple[int, ...]:
        return tuple(a for a, _ in self.sents)

    @cached_property
    def _sent_start_chars(self) -> list[int]:
        return [self.start[a] for a, _ in self.sents]

    @cached_property
    def _sents_in_order(self) -> bool:
        """Whether the sentences follow each other in text order (a parse made here: always)."""
        return all(b <= a2 for (_, b), (a2, _) in zip(self.sents, self.sents[1:]))

    def children(self, i: int) -> Sequence[int]:
        """Token indices whose head is token `i`, in text order (the parse's own list: not to be changed)."""
        return self._children[i]

    def token_text(self, i: int, text: str) -> str:
        """The text of token `i`."""
        return text[self.start[i] : self.end[i]]

    def lemma_of(self, i: int, text: str) -> str:
        """The lemma of token `i` (the lowercased token text where none was stored)."""
        return self.lemma[i] or text[self.start[i] : self.end[i]].lower()

    def token_at(self, char: int) -> int | None:
        """The token covering character `char`, or None (outside any parsed token)."""
        k = bisect.bisect_right(self.start, char) - 1
        if k >= 0 and char < self.end[k]:
            return k
        return None

    def tokens_between(self, start_char: int, end_char: int) -> range:
        """Indices of the tokens lying wholly within `[start_char, end_char)`."""
        lo = bisect.bisect_left(self.start, start_char)
        # tokens are in text order, not overlapping: their ends are sorted too
        return range(lo, max(lo, bisect.bisect_right(self.end, end_char, lo)))

    def sent_of(self, i: int) -> tuple[int, int] | None:
        """The token range `[first, last+1)` of the parsed sentence holding token `i`."""
        k = bisect.bisect_right(self._sent_starts, i) - 1
        if k >= 0 and i < self.sents[k][1]:
            return self.sents[k]
        return None

    def is_parsed(self, start_char: int, end_char: int) -> bool:
        """Whether some parsed sentence overlaps `[start_char, end_char)`."""
        if not self._sents_in_order:
            return any(
                self.start[a] < end_char and start_char < self.end[b - 1]
                for a, b in self.sents
                if self.start[a] < end_char
            )
        # the sentences starting before end_char are a prefix; the last of them ends the latest
        k = bisect.bisect_left(self._sent_start_chars, end_char)
        return k > 0 and start_char < self.end[self.sents[k - 1][1] - 1]

    def subtree(self, i: int) -> tuple[int, int]:
        """The token range `[left, right+1)` of token `i` and everything under it."""
        lo = hi = i
        stack = [i]
        kids = self._children
        while stack:
            j = stack.pop()
            if j < lo:  # comparisons, not min() and max(): a call per token adds up over a long clause
                lo = j
            elif j > hi:
                hi = j
            stack.extend(kids[j])
        return lo, hi + 1

    def ancestors(self, i: int) -> Iterable[int]:
        """Heads of token `i` up to its sentence root."""
        seen = {i}
        while self.head[i] != i and self.head[i] not in seen:
            i = self.head[i]
            seen.add(i)
            yield i


def _lemmas(pairs: Any, n: int) -> tuple[str, ...]:
    """The lemma column from its sparse [index, lemma] pairs; raise InvalidEvent when malformed."""
    if not isinstance(pairs, list):
        raise InvalidEvent("'parse.lemma' is not a list of [index, lemma] pairs")
    lemma = [""] * n
    for pair in pairs:
        if not (
            isinstance(pair, list) and len(pair) == 2 and type(pair[0]) is int and 0 <= pair[0] < n
        ) or not isinstance(pair[1], str):
            raise InvalidEvent("'parse.lemma' is not a list of [index, lemma] pairs")
        lemma[pair[0]] = pair[1]
    return tuple(lemma)


def _sents(sents: Any, n: int) -> tuple[tuple[int, int], ...]:
    """The sentence ranges; raise InvalidEvent unless each is [first, last+1] within the tokens."""
    if not isinstance(sents, list) or not all(
        isinstance(s, list) and len(s) == 2 and all(type(x) is int for x in s) and 0 <= s[0] < s[1] <= n for s in sents
    ):
        raise InvalidEvent("'parse.sents' is not a list of [first, last+1] token ranges")
    return tuple((a, b) for a, b in sents)


__all__ = ["PARSE_FORMAT", "CompactParse"]
