"""Quotes in French articles: French quotation marks; speakers from the parse (`french_syntax` rules).

    « Nous avons libéré le village », a déclaré le général Valéri Guérassimov.
    « C'est un échec », a-t-il ajouté.            (il/elle: the last person named before)
    Le ministre a affirmé : « Rien n'est décidé. »
    « La situation est grave », selon Jean Dupont.

Marks: « » (with the spaces French typography puts inside), “ ” and ‹ ›; marks inside an
open quote are part of it. The speaker phrase resolves to the entity it names, else stays a
description ('le ministère'). A quote whose sentence was not parsed (NEWSFLOW_PARSE_SCOPE=none,
an event from an older producer) has no speaker: French has no text patterns beside the parse.
"""

from __future__ import annotations

import bisect
import re

from services.quotes.french_syntax import french_speakers
from shared.core.events import Entity, Quote
from shared.core.parse import CompactParse

PAIRS = {"\u00ab": "\u00bb", "\u201c": "\u201d", "\u2039": "\u203a"}
_SPACE = " \t\u00a0\u202f\u2009"

_SENTENCE_END = re.compile(r"[.!?][" + _SPACE + r"]+|\n")


def pair_french(text: str) -> list[tuple[int, int, int, int]]:
    """(open_mark, start, end, close_mark) of each top-level quote in « », “ ” or ‹ ›, paragraph by paragraph."""
    out = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        closer = PAIRS.get(ch)
        if closer is None:
            i += 1
            continue
        para_end = text.find("\n", i)
        para_end = n if para_end == -1 else para_end
        j = text.find(closer, i + 1, para_end)
        if j == -1:  # left open: the quote runs to its paragraph's end
            j = para_end
        start, end = i + 1, j
        while start < end and text[start] in _SPACE:
            start += 1
        while end > start and text[end - 1] in _SPACE:
            end -= 1
        if end > start:
            out.append((i, start, end, j))
        i = j + 1
    return out


def _mentions(entities: tuple[Entity, ...]) -> list[tuple[int, int, str, str]]:
    return sorted((m.start, m.end, e.name, e.label) for e in entities for m in e.mentions)


class _Speakers:
    """Speaker phrases to canonical names, from the entities outside quotes."""

    def __init__(self, text: str, entities: tuple[Entity, ...], quoted: list[tuple[int, int]]) -> None:
        self.text = text
        inside = lambda pos: any(a <= pos < b for a, b in quoted)  # noqa: E731
        self.mentions = [m for m in _mentions(entities) if not inside(m[0])]
        self.starts = [m[0] for m in self.mentions]

    def in_phrase(self, lo: int, hi: int) -> tuple[str, str] | None:
        """The first PERSON (else ORG, else any) entity mentioned in text[lo:hi]."""
        found = [m for m in self.mentions[bisect.bisect_left(self.starts, lo) :] if m[0] < hi]
        for labels in (("PERSON",), ("ORG",), None):
            for m in found:
                if labels is None or m[3] in labels:
                    return m[2], m[3]
        return None

    def last_person(self, pos: int) -> tuple[str, str] | None:
        """The latest PERSON mention before `pos` (within 2,000 characters): whom il/elle refers to."""
        i = bisect.bisect_left(self.starts, pos) - 1
        while i >= 0 and pos - self.mentions[i][0] < 2000:
            if self.mentions[i][3] == "PERSON":
                return self.mentions[i][2], "PERSON"
            i -= 1
        return None


def _sentence_start(text: str, pos: int, floor: int) -> int:
    """Where the sentence running at `pos` starts (at most 300 characters back, not before `floor`)."""
    best = lo = max(floor, pos - 300)
    for m in _SENTENCE_END.finditer(text, lo, pos):
        best = m.end()
    return best


def _from_parse(text: str, parse: CompactParse | None, open_mark: int, close: int, sp: _Speakers):
    """(speaker, label, cue, rule, start, end) from the parse: the nearest speaker phrase that names an
    entity (il/elle: the last person named before), else the nearest description ('le ministère')."""
    described = None
    for found in french_speakers(parse, text, open_mark, close + 1):
        rule = "syntax:" + found.rule
        if found.pronoun:
            person = sp.last_person(open_mark)
            if person is not None:
                return (*person, found.cue, rule, found.start, found.end)
            continue
        ent = sp.in_phrase(found.start, found.end)
        if ent is not None:
            return (*ent, found.cue, rule, found.start, found.end)
        desc = text[found.start : found.end].strip(_SPACE + ",")
        if described is None and desc:
            described = (desc, None, found.cue, rule, found.start, found.end)
    return described


def extract_quotes_fr(text: str, entities: tuple[Entity, ...] = (), parse: CompactParse | None = None) -> list[Quote]:
    """Every quote of a French article, with its speaker where the parse of its sentence names one
    (`french_syntax` rules); without a parse of the sentence, no speaker."""
    spans = pair_french(text)
    sp = _Speakers(text, entities, [(o, c + 1) for o, _, _, c in spans])
    out: list[Quote] = []
    for open_mark, start, end, close in spans:
        found = _from_parse(text, parse, open_mark, close, sp)
        speaker, label, cue, rule, sp_start, sp_end = found or (None, None, None, None, None, None)
        para_start = text.rfind("\n", 0, open_mark) + 1
        head = text[_sentence_start(text, open_mark, para_start) : open_mark].strip(_SPACE)
        kind = (
            "direct" if (not head or head.endswith((":", ",")) or cue is not None and head[-1:] in ":") else "partial"
        )
        out.append(
            Quote(
                text=text[start:end],
                start=start,
                end=end,
                speaker=speaker,
                speaker_label=label,
                cue=cue,
                kind=kind,
                speaker_start=sp_start,
                speaker_end=sp_end,
                rule=rule,
            )
        )
    return out
