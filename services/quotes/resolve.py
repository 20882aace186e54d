"""Turning a speaker phrase into the canonical speaker: entity, pronoun, honorific, description.

Works from `text` and the entities stage's output; with no entities it falls back to
capitalised-name rules on the text alone.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from shared.lexicon.names import first_name_gender
from shared.lexicon.titles import FEMALE_TITLES as _FEMALE_TITLES
from shared.lexicon.titles import MALE_TITLES as _MALE_TITLES
from shared.lexicon.titles import TITLES
from services.quotes.speakers import CUES, sentence_start
from shared.core.events import Entity

HONORIFICS = TITLES | _MALE_TITLES | _FEMALE_TITLES
DETERMINERS = frozenset({"a", "an", "the", "one", "another", "its", "his", "her", "their"})
# Speakers a reporter leaves unnamed on purpose: kept as the description.
UNNAMED_HEADS = frozenset("""
spokesman spokeswoman spokesperson spokespeople source sources official officials analyst analysts expert experts
observers critics others broker brokers insider insiders aide aides statement researchers witnesses residents
campaigners economists diplomats people fans
""".split())
_CAP_NAME = re.compile(r"[A-Z][\w'\u2019\-]*(?:\s+(?:[A-Z][\w'\u2019\-]*|de|van|von|da|bin|al))*")
_FUNCTION_WORDS = frozenset("""
and but or nor so yet the a an it this that these those which who whom what there here then as of to in on at
""".split())
_AUXILIARIES = frozenset("""
is was were are has had have will would could can may might must should also did does do then later
""".split())
_INTRO_WORDS = frozenset({"in", "on", "at", "after", "before", "following", "despite", "with", "as", "when",
                          "while", "although", "during", "unlike", "like", "meeting", "speaking", "asked"})
# A sentence whose subject is an unnamed person: 'A Labour spokesman denied ...'
_DESCRIBED_SUBJECT = re.compile(
    r"(?:(?<=[.!?]\s)|(?<=\n)|^)(?:A|An|The|One)\s+(?P<desc>(?:[A-Z][\w'\u2019&-]*\s+){0,4}(?:[a-z-]+\s+)?"
    r"(?P<head>spokesman|spokeswoman|spokesperson|official|aide|source|insider|adviser|advisor))\b"
    r"(?=\s+(?:\w+\s+)?(?:said|says|denied|denies|added|insisted|told|stressed|explained|argued|claimed|"
    r"confirmed|rejected|dismissed|defended|responded|replied|warned))")
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
            g, sure = first_name_gender(m.name.split()[0]) if m.name.split() else (None, False)
            if g:
                v[g] += 3 if sure else 1  # 'mostly male' names yield to the pronouns the article uses
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

    def salient(self, pos: int, labels: tuple[str, ...], gender: str | None = None) -> EntityMention | None:
        """The antecedent of a pronoun at `pos`: in the latest sentence naming a fitting referent, the
        first fitting mention of that sentence (its subject, as a rule), not merely the last one.

        'Davis warned of cases like the Guildford Four - for which Tony Blair apologised. "...," he
        said': he is Davis. Mentions in an introductory phrase ('After meeting X, Y said') or
        followed by a possessive ('X's lawyer') are not subjects.
        """
        m = self.recent(pos, labels, gender)
        if m is None:
            return None
        lo = sentence_start(self.text, m.end, 0)  # (from m.end: the sentence may start at m.start)
        gm = self.gender.get(m.name)
        i = bisect.bisect_left(self.starts, m.start)
        best = m
        for j in range(i - 1, -1, -1):
            c = self.outside[j]
            if c.start < lo:
                break
            if c.label not in labels or c.name == m.name:
                continue
            g = self.gender.get(c.name)
            if gender is not None and not (g == gender or (g is None and gm is None)):
                continue
            if self.text[c.end:c.end + 2] in ("'s", "\u2019s") or self.text[max(0, c.start - 4):c.start] == "the ":
                continue  # 'X's lawyer', 'the Oscar voting panel': not the subject
            head = self.text[lo:c.start].split()
            if head and head[0].lower().strip(",") in _INTRO_WORDS and "," in self.text[c.end:m.start]:
                continue
            best = c
        if best is not m:
            # the later mention keeps the pronoun when it is the subject of a clause of its own
            # ('X met officials, and Y said ...'): a verb follows it
            nxt = [w.lower() for w in re.findall(r"[\w']+", self.text[m.end:m.end + 40])[:2]]
            if nxt and (nxt[0] in CUES or nxt[0] in _AUXILIARIES or
                        len(nxt) > 1 and nxt[0].endswith("ly") and (nxt[1] in CUES or nxt[1] in _AUXILIARIES)):
                return m
        return best

    def description_antecedent(self, pos: int, since: int, gender: str | None) -> str | None:
        """An unnamed speaker introduced after `since` ('A Labour spokesman denied it. "...," he said')."""
        found = None
        for m in _DESCRIBED_SUBJECT.finditer(self.text, since, pos):
            if self._in_quote(m.start()):
                continue
            head = m.group("head").lower()
            if gender == "m" and head.endswith("woman") or gender == "f" and head.endswith("man") \
                    and not head.endswith("woman"):
                continue
            found = m.group("desc")
        return found

    def _coordinated(self, start: int, end: int, toks: list[str]) -> tuple[str, str | None] | None:
        """'the Tories and Lib Dems' / 'The Queen and Duke of Edinburgh': one joint speaker, each side
        named by its canonical name where an entity covers it."""
        low = [t.lower() for t in toks]
        if "and" not in low:
            return None
        k = low.index("and")
        left = [t for t in toks[:k] if t.lower() not in DETERMINERS]
        right = [t for t in toks[k + 1:] if t.lower() not in DETERMINERS]
        if not left or not right or len(left) > 4 or len(right) > 4 or not left[0][:1].isupper() \
                or not right[0][:1].isupper() or not all(t[:1].isupper() or t.lower() in ("of", "for", "de")
                                                         for t in left + right):
            return None
        k_char = self.text.find(" and ", start, end)
        names, labels = [], []
        for lo, hi, side in ((start, k_char, left), (k_char + 5, end, right)):
            inside = [m for m in self.mentions if lo <= m.start and m.end <= hi and m.label in ("PERSON", "ORG", "GPE")]
            if len(inside) == 1 and _same_words(" ".join(side), self.text[inside[0].start:inside[0].end]):
                names.append(inside[0].name)
                labels.append(inside[0].label)
            else:
                names.append(" ".join(side))
                labels.append(None)
        label = labels[0] if labels[0] == labels[1] else None
        return f"{names[0]} and {names[1]}", label

    def _sentence_after(self, start: int, desc: str, pos: int) -> bool:
        """Whether the description's sentence comes after the one naming the person at `start`."""
        k = self.text.rfind(desc, start, pos)
        return k != -1 and sentence_start(self.text, k + 1, 0) > start

    def plural_org(self, pos: int) -> EntityMention | None:
        """For 'they': the latest organisation named in the plural ('the Tories') in the last ~3 sentences."""
        i = bisect.bisect_left(self.starts, pos) - 1
        while i >= 0 and pos - self.outside[i].start < 500:
            m = self.outside[i]
            last = self.text[m.start:m.end].split()[-1]
            if m.label == "ORG" and last.endswith("s") and not last.endswith(("ss", "'s", "\u2019s")) \
                    and not last.isupper():
                return m
            i -= 1
        return None

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
        pos = min(pos, start)  # a pronoun refers back from where it stands ('He said: "..."')
        if first in ("he", "she") and len(toks) <= 2:
            gender = "m" if first == "he" else "f"
            m = self.salient(pos, ("PERSON",), gender)
            desc = self.description_antecedent(pos, sentence_start(self.text, m.end, 0) if m else max(0, pos - 600),
                                               gender)
            if desc is not None and (m is None or self._sentence_after(m.start, desc, pos)):
                return desc, None
            return (m.name, "PERSON") if m else (None, None)
        if first == "they" and len(toks) <= 2:
            m = self.plural_org(pos) or self.salient(pos, ("ORG",))
            return (m.name, "ORG") if m else (None, None)
        if first == "it" and len(toks) <= 2:
            m = self.salient(pos, ("ORG",))
            return (m.name, "ORG") if m else (None, None)
        if first in ("i", "we", "you"):
            return None, None
        joint = self._coordinated(start, end, toks)
        if joint is not None:
            return joint
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
        if not any(w[:1].isalpha() and w.lower() not in _FUNCTION_WORDS for w in desc.split()):
            return None, None  # a fragment ('and'), not a speaker
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
            window = self.text[max(0, m.start - 60):min(m.end + 60, pos)].lower()  # not the description itself
            score = sum(1 for k in keys if k in window)
            score += 0.5 if m.name in self.speakers else 0.0
            if score >= best_score and score >= 1:
                best, best_score = m, score
        if best is not None:
            return best.name
        m = self.salient(pos, ("PERSON",))
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
