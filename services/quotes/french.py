"""Quotes in French articles: French quotation marks and speech verbs, speakers from the entities.

    « Nous avons libéré le village », a déclaré le général Valéri Guérassimov.
    « C'est un échec », a-t-il ajouté.            (il/elle: the last person named before)
    Le ministre a affirmé : « Rien n'est décidé. »
    « La situation est grave », selon Jean Dupont.

Marks: « » (with the spaces French typography puts inside), “ ” and ‹ ›; marks inside an
open quote are part of it. Every scan is bounded and anchored, linear in the text.
"""

from __future__ import annotations

import bisect
import re

from services.quotes.french_syntax import french_speakers
from shared.core.events import Entity, Quote
from shared.core.parse import CompactParse

PAIRS = {"\u00ab": "\u00bb", "\u201c": "\u201d", "\u2039": "\u203a"}
_SPACE = " \t\u00a0\u202f\u2009"

# Speech verbs of French news writing (general knowledge), past participle and present forms.
PARTICIPLES = frozenset(
    """
déclaré affirmé ajouté expliqué indiqué estimé souligné assuré précisé dit annoncé confié répondu insisté
martelé lancé poursuivi rappelé reconnu dénoncé averti prévenu jugé commenté confirmé démenti raconté
témoigné écrit noté observé regretté admis promis résumé conclu réagi tweeté plaidé répété prévenu
argué avancé détaillé fustigé salué lâché glissé ironisé nuancé tranché interrogé soutenu
""".split()
)
PRESENT = frozenset(
    """
déclare affirme ajoute explique indique estime souligne assure précise dit annonce confie répond insiste
martèle lance poursuit rappelle reconnaît reconnait dénonce avertit prévient juge commente confirme dément
raconte témoigne écrit note observe regrette admet promet résume conclut réagit plaide répète argue avance
détaille fustige salue lâche glisse ironise nuance tranche soutient s'exclame
""".split()
)
_VERB = "|".join(sorted((re.escape(v) for v in PARTICIPLES | PRESENT), key=len, reverse=True))
_ADVERB = r"(?:(?:encore|également|aussi|ensuite|alors|enfin|notamment|aussitôt|plus\s+tard|dimanche|lundi|mardi|mercredi|jeudi|vendredi|samedi|hier)\s+)?"
_WORD = r"[\w'\u2019\-]+"
# After the closing mark: ', a déclaré X' / ', a-t-il ajouté' / ', déclare X' / ', estime-t-elle' / ', selon X'
_AFTER = re.compile(
    r"[" + _SPACE + r"]*,?[" + _SPACE + r"]*(?:"
    r"(?:a|ont|avait|aurait)(?:-t-(?P<p1>il|elle|ils|elles))?\s+" + _ADVERB + r"(?P<v1>" + _VERB + r")\b"
    r"|(?P<v2>" + _VERB + r")(?:-t-|-)(?P<p2>il|elle|ils|elles)\b"
    r"|(?P<v3>" + _VERB + r")\b"
    r"|(?P<v4>selon|d'après|d\u2019après)\b)",
    re.IGNORECASE,
)
# Before the opening mark: 'X a déclaré :' / 'X déclare :' / 'selon X, ' / 'X a affirmé que'
_BEFORE = re.compile(
    r"(?P<subj>[^\u00ab\u201c:;.!?]{1,160}?)\s+(?:(?:a|ont|avait|aurait)\s+)?"
    + _ADVERB
    + r"(?P<verb>"
    + _VERB
    + r")\b[^\u00ab\u201c.]{0,80}?[:,]?["
    + _SPACE
    + r"]*$",
    re.IGNORECASE,
)
_SELON_BEFORE = re.compile(
    r"\b(?P<verb>selon|d'après|d\u2019après)\s+(?P<subj>[^,\u00ab\u201c]{1,80}),[" + _SPACE + r"]*$", re.IGNORECASE
)
_PHRASE_END = re.compile(r"[,.;:!?\u00ab\u201c\n]")
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

    def phrase(self, lo: int, hi: int) -> tuple[str | None, str | None]:
        """(speaker, label) for a speaker phrase: its entity, else the description itself."""
        ent = self.in_phrase(lo, hi)
        if ent is not None:
            return ent
        desc = self.text[lo:hi].strip(_SPACE + ",")
        return (desc or None), None


def _attribution_after(text: str, close: int, limit: int, sp: _Speakers):
    m = _AFTER.match(text, close + 1, min(limit, close + 200))
    if m is None:
        return None
    pronoun = m.group("p1") or m.group("p2")
    verb = (m.group("v1") or m.group("v2") or m.group("v3") or m.group("v4")).lower()
    if pronoun:
        person = sp.last_person(close)
        return (person or (None, None)) + (verb,)
    lo = m.end()
    stop = _PHRASE_END.search(text, lo, min(limit, lo + 120))
    hi = stop.start() if stop else min(limit, lo + 120)
    if hi <= lo:
        return None
    return sp.phrase(lo, hi) + (verb,)


def _sentence_start(text: str, pos: int, floor: int) -> int:
    """Where the sentence running at `pos` starts (at most 300 characters back, not before `floor`)."""
    best = lo = max(floor, pos - 300)
    for m in _SENTENCE_END.finditer(text, lo, pos):
        best = m.end()
    return best


def _attribution_before(text: str, open_mark: int, floor: int, sp: _Speakers):
    lo = _sentence_start(text, open_mark, floor)
    m = _SELON_BEFORE.search(text, lo, open_mark) or _BEFORE.search(text, lo, open_mark)
    if m is None:
        return None
    subj_lo, subj_hi = m.start("subj"), m.end("subj")
    words = text[subj_lo:subj_hi].split()
    if words and words[-1].lower() in ("il", "elle"):
        person = sp.last_person(subj_lo)
        return (person or (None, None)) + (m.group("verb").lower(),)
    return sp.phrase(subj_lo, subj_hi) + (m.group("verb").lower(),)


def _from_parse(text: str, parse: CompactParse | None, open_mark: int, close: int, sp: _Speakers):
    """(speaker, label, cue, rule, start, end) from the parse's nearest speaker phrase that names an entity."""
    for found in french_speakers(parse, text, open_mark, close + 1):
        if found.pronoun:
            person = sp.last_person(open_mark)
            if person is None:
                continue
            speaker, label = person
        else:
            ent = sp.in_phrase(found.start, found.end)
            if ent is None:
                continue
            speaker, label = ent
        return speaker, label, found.cue, "syntax:" + found.rule, found.start, found.end
    return None


def extract_quotes_fr(text: str, entities: tuple[Entity, ...] = (), parse: CompactParse | None = None) -> list[Quote]:
    """Every quote of a French article, with its speaker where a French speech verb or 'selon' names one:
    from the parse of its sentence where that names an entity (`french_syntax` rules), else from the
    text patterns of this module."""
    spans = pair_french(text)
    sp = _Speakers(text, entities, [(o, c + 1) for o, _, _, c in spans])
    out: list[Quote] = []
    for k, (open_mark, start, end, close) in enumerate(spans):
        para_end = text.find("\n", close)
        limit = len(text) if para_end == -1 else para_end
        if k + 1 < len(spans):
            limit = min(limit, spans[k + 1][0])
        para_start = text.rfind("\n", 0, open_mark) + 1
        found = _attribution_after(text, close, limit, sp) if close < len(text) else None
        if found is None or found[0] is None:
            found = _attribution_before(text, open_mark, para_start, sp) or found
        speaker, label, cue = found if found else (None, None, None)
        rule = sp_start = sp_end = None
        parsed = _from_parse(text, parse, open_mark, close, sp)
        if parsed is not None:
            speaker, label, cue, rule, sp_start, sp_end = parsed
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
