"""The article as the resolvers see it: entity mentions in order, quoted ranges, gender evidence."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING

from shared.core.events import Entity
from shared.lexicon.names import first_name_gender
from shared.lexicon.titles import FEMALE_TITLES, MALE_TITLES, TITLES
from shared.text.sentences import sentence_start
from shared.text.spans import spans_within

if TYPE_CHECKING:
    from services.quotes.discourse import Discourse

HONORIFICS = TITLES | MALE_TITLES | FEMALE_TITLES
# How far back (characters) a speaker may have been named for 'he said' or 'the minister said'.
ANTECEDENT_WINDOW = 3000
# How far before a name (characters) a title that gives its gender stands ('Mrs Jane Roe').
TITLE_LOOKBACK = 12
# How far after a person's mention (characters) the first he/she is taken as evidence of gender.
PRONOUN_EVIDENCE_WINDOW = 300
_CAP_NAME = re.compile(r"[A-Z][\w'\u2019\-]*(?:\s+(?:[A-Z][\w'\u2019\-]*|de|van|von|da|bin|al))*")
_PRONOUN_AFTER = re.compile(r"\b(he|she|his|her|him)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class EntityMention:
    """One mention with its entity's canonical name and label."""

    start: int
    end: int
    name: str
    label: str


class ArticleMentions:
    """One article's mentions (outside quotes, in order), quoted ranges and the gender of each person."""

    def __init__(
        self,
        text: str,
        entities: tuple[Entity, ...],
        quoted: list[tuple[int, int]],
        guess_names: bool = True,
        discourse: "Discourse | None" = None,
    ):
        self.text = text
        self.quoted = sorted(quoted)
        if discourse is not None:  # the discourse model's chains: its names, types and genders
            ms = [
                EntityMention(m.start, m.end, c.name, c.label)
                for m in discourse.mentions
                if m.kind == "name" and (c := discourse.chain_of(m)) is not None and c.label != "NAME"
            ]
        else:
            ms = [EntityMention(m.start, m.end, e.name, e.label) for e in entities for m in e.mentions]
        if not ms and guess_names:  # English capitalised-name rules, when the article has no entities
            ms = names_from_text(text)
        ms.sort(key=lambda m: m.start)
        self.mentions = ms
        self.all_starts = [m.start for m in ms]
        # mentions inside quotes do not make a speaker "recent"
        self.outside = [m for m in ms if not self.in_quote(m.start)]
        self.starts = [m.start for m in self.outside]
        if discourse is not None:
            self.gender = {c.name: g for c in discourse.chains if c.person and (g := c.gender()[0]) is not None}
        else:
            self.gender = self._genders()

    def in_quote(self, pos: int) -> bool:
        """Whether `pos` lies inside a quoted range."""
        i = bisect.bisect_right(self.quoted, (pos, 10**12)) - 1
        return i >= 0 and self.quoted[i][0] <= pos < self.quoted[i][1]

    def _genders(self) -> dict[str, str]:
        """Each person's gender by vote: given name, a gendered title before a mention, the next he/she."""
        votes: dict[str, dict[str, int]] = {}
        text = self.text
        starts = [m.start for m in self.mentions]  # in order
        for m in self.mentions:
            if m.label != "PERSON":
                continue
            v = votes.setdefault(m.name, {"m": 0, "f": 0})
            g, sure = first_name_gender(m.name.split()[0]) if m.name.split() else (None, False)
            if g:
                v[g] += 3 if sure else 1  # 'mostly male' names yield to the pronouns the article uses
            before = text[max(0, m.start - TITLE_LOOKBACK) : m.start].split()
            if before:
                t = before[-1].lower().rstrip(".")
                if t in MALE_TITLES:
                    v["m"] += 3
                elif t in FEMALE_TITLES:
                    v["f"] += 3
            # the first he/she after a mention, before any other person, usually refers to it
            later = islice(self.mentions, bisect.bisect_right(starts, m.end), None)
            nxt = next((o.start for o in later if o.label == "PERSON" and o.name != m.name), len(text))
            pm = _PRONOUN_AFTER.search(text, m.end, min(nxt, m.end + PRONOUN_EVIDENCE_WINDOW))
            if pm:
                w = pm.group(1).lower()
                v["m" if w in ("he", "his", "him") else "f"] += 1
        return {n: ("m" if v["m"] > v["f"] else "f") for n, v in votes.items() if v["m"] != v["f"]}

    def recent(self, pos: int, labels: tuple[str, ...], gender: str | None = None) -> EntityMention | None:
        """The latest mention before `pos`, outside quotes, with one of `labels` (and gender, if known)."""
        i = bisect.bisect_left(self.starts, pos) - 1
        fallback = None
        while i >= 0 and pos - self.outside[i].start < ANTECEDENT_WINDOW:
            m = self.outside[i]
            if m.label in labels:
                g = self.gender.get(m.name)
                if gender is None or g == gender:
                    # a person of unknown gender in a later sentence is the nearer antecedent
                    if fallback is not None and self.sentence_start(fallback.start) > self.sentence_start(m.end):
                        return fallback
                    return m
                if g is None and fallback is None:
                    fallback = m
            i -= 1
        return fallback

    def inside(self, start: int, end: int) -> list[EntityMention]:
        """The mentions within text[start:end]."""
        return spans_within(self.mentions, self.all_starts, start, end)

    def sentence_start(self, pos: int) -> int:
        """The start of the sentence `pos` is in."""
        return sentence_start(self.text, pos, 0)


def names_from_text(text: str) -> list[EntityMention]:
    """Without entities: capitalised word runs as PERSON mentions, short forms named by the fullest run."""
    out = []
    for m in _CAP_NAME.finditer(text):
        ws = m.group(0).split()
        while ws and ws[0].lower().rstrip(".") in HONORIFICS | {"the", "a", "but", "and", "however"}:
            ws = ws[1:]
        if not ws or len(ws) > 4:
            continue
        out.append((m.start() + m.group(0).find(ws[0]), m.end(), ws))
    full: dict[str, str] = {}
    for _, _, ws in out:
        if len(ws) >= 2:
            key = ws[-1].lower()
            if len(" ".join(ws)) > len(full.get(key, "")):
                full[key] = " ".join(ws)
    res = []
    for s, e, ws in out:
        name = full.get(ws[-1].lower())
        if name and (len(ws) >= 2 or s > 0 and text[s - 1] != "\n"):
            res.append(EntityMention(s, e, name, "PERSON"))
    return res
