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

import re

from services.quotes.french_syntax import french_speakers
from services.quotes.marks import trim
from services.quotes.mentions import ArticleMentions
from shared.core.events import Entity, Quote
from shared.core.parse import CompactParse

PAIRS = {"\u00ab": "\u00bb", "\u201c": "\u201d", "\u2039": "\u203a"}
_SPACE = " \t\u00a0\u202f\u2009"
# A French sentence ends at a stop and spaces, whatever follows ('... lundi. « Rien ...', '... fin. État ...').
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
        start, end = trim(text, i + 1, j)  # with the (narrow) no-break spaces French puts inside the marks
        if end > start:
            out.append((i, start, end, j))
        i = j + 1
    return out


def _sentence_start(text: str, pos: int, floor: int) -> int:
    """Where the sentence running at `pos` starts (at most 300 characters back, not before `floor`)."""
    lo = max(floor, pos - 300)
    return max([lo] + [m.end() for m in _SENTENCE_END.finditer(text, lo, pos)])


def _from_parse(text: str, parse: CompactParse | None, open_mark: int, close: int, article: ArticleMentions):
    """(speaker, label, cue, rule, start, end) from the parse: the nearest speaker phrase that names an
    entity (il/elle: the last person named before), else the nearest description ('le ministère')."""
    described = None
    for found in french_speakers(parse, text, open_mark, close + 1):
        rule = "syntax:" + found.rule
        if found.pronoun:
            m = article.recent(open_mark, ("PERSON",))
        else:  # the first person the phrase names, else organisation, else any entity
            rank = {"PERSON": 0, "ORG": 1}
            m = min(article.inside(found.start, found.end), key=lambda m: (rank.get(m.label, 2), m.start), default=None)
        if m is not None:
            return (m.name, m.label, found.cue, rule, found.start, found.end)
        if found.pronoun:
            continue
        desc = text[found.start : found.end].strip(_SPACE + ",")
        if described is None and desc:
            described = (desc, None, found.cue, rule, found.start, found.end)
    return described


def extract_quotes_fr(text: str, entities: tuple[Entity, ...] = (), parse: CompactParse | None = None) -> list[Quote]:
    """Every quote of a French article, with its speaker where the parse of its sentence names one
    (`french_syntax` rules); without a parse of the sentence, no speaker."""
    spans = pair_french(text)
    article = ArticleMentions(text, entities, [(o, c + 1) for o, _, _, c in spans], guess_names=False)
    out: list[Quote] = []
    for open_mark, start, end, close in spans:
        found = _from_parse(text, parse, open_mark, close, article)
        speaker, label, cue, rule, sp_start, sp_end = found or (None,) * 6
        para_start = text.rfind("\n", 0, open_mark) + 1
        head = text[_sentence_start(text, open_mark, para_start) : open_mark].strip(_SPACE)
        kind = "direct" if not head or head.endswith((":", ",")) else "partial"
        out.append(Quote(text[start:end], start, end, speaker, label, cue, kind, sp_start, sp_end, rule))
    return out
