"""Speaker phrases that name someone: an entity inside the phrase, a surname, a joint speaker."""

from __future__ import annotations

import re

from services.quotes.mentions import HONORIFICS, ArticleMentions
from shared.lexicon.function_words import DETERMINERS

_MAX_SIDE_WORDS = 4  # each side of a joint speaker ('the X Party and the Y Party') is a short name


_POSSESSIVE = re.compile(r"['\u2019]s\b")
_GOVERNED = re.compile(r"\b[a-z]+\s+(?:for|of|to|with|at|from)\b")


def _governed(text: str, start: int, pos: int) -> bool:
    """Whether a name at `pos` sits in a phrase governed by a common noun ('a spokesman for the Roe
    campaign', 'lawyers for Roe'), within its comma segment of the speaker phrase from `start`."""
    seg = max(start, text.rfind(",", start, pos) + 1)
    return _GOVERNED.search(text, seg, pos) is not None


def same_words(a: str, b: str) -> bool:
    """Whether two names have the same words, determiners and possessives aside."""

    def norm(s):
        return [w for w in _POSSESSIVE.sub("", s.lower()).split() if w not in DETERMINERS]

    return norm(a) == norm(b)


class NameResolver:
    """Names in a speaker phrase, resolved to the article's canonical entities."""

    def __init__(self, article: ArticleMentions):
        self.a = article

    def by_surname(self, surname: str) -> str | None:
        """The canonical person whose name ends with `surname` ('Roe' -> 'Jane Roe')."""
        s = surname.lower()
        best = None
        for m in self.a.mentions:
            parts = m.name.lower().split()
            if m.label == "PERSON" and parts and parts[-1] == s:
                if best is None or len(m.name) > len(best):
                    best = m.name
        return best

    def coordinated(self, start: int, end: int, toks: list[str]) -> tuple[str, str | None] | None:
        """'the Greens and the Liberals' / 'The King and Duke of Kent': one joint speaker, each side
        named by its canonical name where an entity covers it."""
        low = [t.lower() for t in toks]
        if "and" not in low:
            return None
        k = low.index("and")
        left = [t for t in toks[:k] if t.lower() not in DETERMINERS]
        right = [t for t in toks[k + 1 :] if t.lower() not in DETERMINERS]
        if (
            not left
            or not right
            or len(left) > _MAX_SIDE_WORDS
            or len(right) > _MAX_SIDE_WORDS
            or not left[0][:1].isupper()
            or not right[0][:1].isupper()
            or not all(t[:1].isupper() or t.lower() in ("of", "for", "de") for t in left + right)
        ):
            return None
        text = self.a.text
        k_char = text.find(" and ", start, end)
        names: list[str] = []
        labels: list[str | None] = []
        for lo, hi, side in ((start, k_char, left), (k_char + 5, end, right)):
            inside = [m for m in self.a.inside(lo, hi) if m.label in ("PERSON", "ORG", "GPE")]
            if len(inside) == 1 and same_words(" ".join(side), text[inside[0].start : inside[0].end]):
                names.append(inside[0].name)
                labels.append(inside[0].label)
            else:
                names.append(" ".join(side))
                labels.append(None)
        label = labels[0] if labels[0] == labels[1] else None
        return f"{names[0]} and {names[1]}", label

    def person_inside(self, start: int, end: int, prefer_last: bool) -> str | None:
        """The person a phrase names ('Senator Jane Roe, a Democrat'), unless the name only modifies
        another speaker ("Roe's lawyer")."""
        text = self.a.text
        inside = self.a.inside(start, end)
        if not prefer_last:
            # the head of the phrase's first segment: 'Party chairman Jane Roe, a friend of John Doe'
            comma = text.find(",", start, end)
            first = [m for m in inside if comma == -1 or m.end <= comma]
            if first:
                inside = first[::-1] + [m for m in inside if m not in first]
        for m in inside[::-1] if prefer_last else inside:
            if _governed(text, start, m.start):
                continue  # 'a spokesman for Jane Roe', 'lawyers for ...': someone speaking for the person
            if m.label != "PERSON":
                continue
            tail = text[m.end : m.end + 3]
            if tail.startswith(("'s", "\u2019s")) or (m.end < end and text[m.end : end].strip()[:1] == "'"):
                return None  # "Roe's lawyer": a description of someone else
            return m.name
        return None

    def organisation_inside(self, start: int, end: int, core_text: str) -> tuple[str, str] | None:
        """The organisation or place the phrase is ('the Acme Corporation'), as its canonical entity."""
        for m in self.a.inside(start, end):
            if m.label in ("ORG", "GPE") and same_words(core_text, self.a.text[m.start : m.end]):
                return m.name, ("ORG" if m.label != "GPE" else "GPE")
        return None

    def titled(self, core: list[str]) -> tuple[str, str] | None:
        """'Mr Roe' / 'Senator Roe' / 'Roe' with no entity covering it: the person with that surname."""
        caps = [t for t in core if t[:1].isupper()]
        if caps and len(core) <= 3 and core[0].lower().rstrip(".") in HONORIFICS:
            name = self.by_surname(core[-1].strip(".,"))
            return (name or " ".join(core)), "PERSON"
        if len(core) <= 3 and caps and len(caps) == len(core):
            name = self.by_surname(core[-1])
            if name:
                return name, "PERSON"
        return None
