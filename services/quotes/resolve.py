"""Turning a speaker phrase into the canonical speaker: entity, pronoun, honorific, description.

Works from `text` and the entities stage's output; with no entities it falls back to
capitalised-name rules on the text alone.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from services.entities.names import gender_of_first_name
from shared.events import Entity

_MALE_TITLES = frozenset({"mr", "sir", "lord", "prince", "king", "duke", "father", "brother"})
_FEMALE_TITLES = frozenset({"mrs", "ms", "miss", "lady", "dame", "princess", "queen", "duchess", "sister"})
HONORIFICS = _MALE_TITLES | _FEMALE_TITLES | {"dr", "prof", "professor", "president", "minister", "chancellor",
                                              "secretary", "gen", "general", "judge", "pope", "rev"}
DETERMINERS = frozenset({"a", "an", "the", "one", "another", "its", "his", "her", "their"})
# Speakers a reporter leaves unnamed on purpose: kept as the description.
UNNAMED_HEADS = frozenset("""
spokesman spokeswoman spokesperson spokespeople source sources official officials analyst analysts expert experts
observers critics others broker brokers insider insiders aide aides statement researchers witnesses residents
campaigners economists diplomats people fans
""".split())
_CAP_NAME = re.compile(r"[A-Z][\w'\u2019\-]*(?:\s+(?:[A-Z][\w'\u2019\-]*|de|van|von|da|bin|al))*")
_PRONOUN_AFTER = re.compile(r"\b(he|she|his|her|him)\b", re.IGNORECASE)


@dataclass(frozen=True)
class EntityMention:
    """One mention with its entity's canonical name and label."""

    start: int
    end: int
    name: str
    label: str


class Resolver:
    """Speaker resolution for one article: its entities, quoted ranges and gender evidence."""

    def __init__(self, text: str, entities: tuple[Entity, ...], quoted: list[tuple[int, int]]):
        self.text = text
        self.quoted = sorted(quoted)
        ms = [EntityMention(m.start, m.end, e.name, e.label) for e in entities for m in e.mentions]
        if not ms:
            ms = names_from_text(text)
        ms.sort(key=lambda m: m.start)
        # mentions inside quotes do not make a speaker "recent"
        self.mentions = ms
        self.outside = [m for m in ms if not self._in_quote(m.start)]
        self.starts = [m.start for m in self.outside]
        self.persons = {m.name for m in ms if m.label == "PERSON"}
        self.gender = self._genders()
        self.speakers: list[str] = []  # speakers resolved so far, for descriptions

    def _in_quote(self, pos: int) -> bool:
        i = bisect.bisect_right(self.quoted, (pos, 10 ** 12)) - 1
        return i >= 0 and self.quoted[i][0] <= pos < self.quoted[i][1]

    def _genders(self) -> dict[str, str]:
        votes: dict[str, dict[str, int]] = {}
        low = self.text
        for m in self.mentions:
            if m.label != "PERSON":
                continue
            v = votes.setdefault(m.name, {"m": 0, "f": 0})
            g = gender_of_first_name(m.name.split()[0]) if m.name.split() else None
            if g:
                v[g] += 3
            before = low[max(0, m.start - 12):m.start].split()
            if before:
                t = before[-1].lower().rstrip(".")
                if t in _MALE_TITLES:
                    v["m"] += 3
                elif t in _FEMALE_TITLES:
                    v["f"] += 3
            # the first he/she after a mention, before any other person, usually refers to it
            nxt = next((o.start for o in self.mentions if o.start > m.end and o.label == "PERSON" and o.name != m.name),
                       len(low))
            pm = _PRONOUN_AFTER.search(low, m.end, min(nxt, m.end + 300))
            if pm:
                w = pm.group(1).lower()
                v["m" if w in ("he", "his", "him") else "f"] += 1
        return {n: ("m" if v["m"] > v["f"] else "f") for n, v in votes.items() if v["m"] != v["f"]}

    def recent(self, pos: int, labels: tuple[str, ...], gender: str | None = None) -> EntityMention | None:
        """The latest mention before `pos`, outside quotes, with one of `labels` (and gender, if known)."""
        i = bisect.bisect_left(self.starts, pos) - 1
        fallback = None
        while i >= 0 and pos - self.outside[i].start < 3000:
            m = self.outside[i]
            if m.label in labels:
                g = self.gender.get(m.name)
                if gender is None or g == gender:
                    return m
                if g is None and fallback is None:
                    fallback = m
            i -= 1
        return fallback

    def by_surname(self, surname: str) -> str | None:
        """The canonical person whose name ends with `surname` ('Howard' -> 'Michael Howard')."""
        s = surname.lower()
        best = None
        for m in self.mentions:
            parts = m.name.lower().split()
            if m.label == "PERSON" and parts and parts[-1] == s:
                if best is None or len(m.name) > len(best):
                    best = m.name
        return best

    def resolve(self, start: int, end: int, pos: int, prefer_last: bool = False) -> tuple[str | None, str | None]:
        """(speaker, label) for the phrase text[start:end], for a quote at `pos`."""
        phrase = self.text[start:end].strip(" ,.;:")
        if not phrase:
            return None, None
        toks = phrase.split()
        while len(toks) > 1 and toks[0].lower().strip(",") in ("and", "but", "however", "so", "yet", "meanwhile",
                                                                 "also", "while", "although", "though"):
            toks = toks[1:]
        first = toks[0].lower()
        if first in ("he", "she") and len(toks) <= 2:
            m = self.recent(pos, ("PERSON",), "m" if first == "he" else "f")
            return (m.name, "PERSON") if m else (None, None)
        if first in ("they", "it") and len(toks) <= 2:
            m = self.recent(pos, ("ORG",))
            return (m.name, "ORG") if m else (None, None)
        if first in ("i", "we", "you"):
            return None, None
        inside = [m for m in self.mentions if start <= m.start and m.end <= end]
        if prefer_last:
            inside = inside[::-1]
        for m in inside:
            if m.label == "PERSON":
                tail = self.text[m.end:m.end + 3]
                if tail.startswith(("'s", "\u2019s")) or (m.end < end and self.text[m.end:end].strip()[:1] == "'"):
                    break  # "Lee's lawyer": a description of someone else
                rest = self.text[m.end:end].strip()
                if rest[:1].islower() and rest.split()[0].strip(",.") in UNNAMED_HEADS | {"lawyer", "lawyers"}:
                    continue  # "a Defra spokesman": the name only modifies the speaker
                return m.name, "PERSON"
        core = [t for t in toks if t.lower() not in DETERMINERS]
        for i in range(len(core) - 1, -1, -1):
            if core[i].lower().rstrip(".") in ("mr", "mrs", "ms", "miss", "dr", "sir", "lord", "lady", "dame"):
                core = core[i:]
                break
        core_text = " ".join(core)
        for m in inside:
            if m.label in ("ORG", "GPE") and _same_words(core_text, self.text[m.start:m.end]):
                return m.name, ("ORG" if m.label != "GPE" else "GPE")
        # "Mr Howard" / "Howard" with no entity mention covering it
        caps = [t for t in core if t[:1].isupper()]
        if caps and len(core) <= 3 and core[0].lower().rstrip(".") in HONORIFICS | {"mr", "mrs", "ms", "dr"}:
            name = self.by_surname(core[-1].strip(".,"))
            return (name or core_text), "PERSON"
        if len(core) <= 3 and caps and len(caps) == len(core):
            name = self.by_surname(core[-1])
            if name:
                return name, "PERSON"
        if not core:
            return None, None
        desc = _description(core)
        if toks[0].lower() == "the" and not _is_unnamed(desc):
            person = self.described_person(desc, pos)
            if person:
                return person, "PERSON"
        return desc, None

    def described_person(self, desc: str, pos: int) -> str | None:
        """The person an article describes as `desc` ('the 25-year-old', 'the German', 'the minister')."""
        keys = [w.lower()[:5] for w in desc.split() if len(w) > 2]
        if not keys:
            return None
        best, best_score = None, 0
        for m in self.outside:
            if m.label != "PERSON" or m.start >= pos:
                continue
            window = self.text[max(0, m.start - 60):m.end + 60].lower()
            score = sum(1 for k in keys if k in window)
            score += 0.5 if m.name in self.speakers else 0.0
            if score >= best_score and score >= 1:
                best, best_score = m, score
        if best is not None:
            return best.name
        m = self.recent(pos, ("PERSON",))
        return m.name if m else None


def _same_words(a: str, b: str) -> bool:
    norm = lambda s: [w for w in re.sub(r"['\u2019]s\b", "", s.lower()).split() if w not in DETERMINERS]
    return norm(a) == norm(b)


def _description(core: list[str]) -> str:
    words = []
    for t in core:
        if t.lower() in ("who", "which", "that"):
            break
        words.append(t)
    return " ".join(words[:8]).strip(" ,.;:")


def _is_unnamed(desc: str) -> bool:
    ws = desc.lower().split()
    return bool(ws) and (ws[-1] in UNNAMED_HEADS or ws[-1].endswith("s") and not ws[-1].endswith("ss"))


def names_from_text(text: str) -> list[EntityMention]:
    """Without entities: capitalised word runs as PERSON mentions, short forms named by the fullest run."""
    out = []
    for m in _CAP_NAME.finditer(text):
        ws = m.group(0).split()
        while ws and ws[0].lower() in HONORIFICS | {"the", "a", "but", "and", "however", "mr", "mrs", "ms"}:
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
