"""He, she, they, it: the person or organisation a pronoun speaker refers to."""

from __future__ import annotations

import bisect
import re

from services.quotes.mentions import ArticleMentions, EntityMention
from shared.lexicon.speech import INTRO_WORDS

# How far back (characters) 'they' looks for an organisation named in the plural ('the Greens').
PLURAL_ORG_WINDOW = 500
# How far back (characters) an unnamed speaker may have been introduced when no person fits.
DESCRIBED_SPEAKER_WINDOW = 600
# A sentence whose subject is an unnamed person: 'A council spokesman denied ...'
_DESCRIBED_SUBJECT = re.compile(
    r"(?:(?<=[.!?]\s)|(?<=\n)|^)(?:A|An|The|One)\s+(?P<desc>(?:[A-Z][\w'\u2019&-]*\s+){0,4}(?:[a-z-]+\s+)?"
    r"(?P<head>spokesman|spokeswoman|spokesperson|official|aide|source|insider|adviser|advisor))\b"
    r"(?=\s+(?:\w+\s+)?(?:said|says|denied|denies|added|insisted|told|stressed|explained|argued|claimed|"
    r"confirmed|rejected|dismissed|defended|responded|replied|warned))"
)


class PronounResolver:
    """Antecedents of pronoun speakers, from the article's mentions."""

    def __init__(self, article: ArticleMentions):
        self.a = article

    def salient(self, pos: int, labels: tuple[str, ...], gender: str | None = None) -> EntityMention | None:
        """The antecedent of a pronoun at `pos`: in the latest sentence naming a fitting referent, the
        first fitting mention of that sentence (its subject, as a rule), not merely the last one.

        'Roe warned of cases like the one for which Jane Doe apologised. "...," he said': he is
        Roe.
        """
        a = self.a
        m = a.recent(pos, labels, gender)
        if m is None:
            return None
        lo = a.sentence_start(m.end)  # (from m.end: the sentence may start at m.start)
        gm = a.gender.get(m.name)
        i = bisect.bisect_left(a.starts, m.start)
        best = m
        for j in range(i - 1, -1, -1):
            c = a.outside[j]
            if c.start < lo:
                break
            if c.label not in labels or c.name == m.name:
                continue
            g = a.gender.get(c.name)
            if gender is not None and not (g == gender or (g is None and gm is None)):
                continue
            if a.text[max(0, c.start - 4) : c.start] == "the ":
                continue  # 'the X voting panel': a modifier, not the subject
            head = a.text[lo : c.start].split()
            if head and head[0].lower().strip(",") in INTRO_WORDS and "," in a.text[c.end : m.start]:
                continue  # 'After meeting X, Y said': X is in an introductory phrase
            best = c
        return best

    def described_speaker(self, pos: int, since: int, gender: str | None) -> str | None:
        """An unnamed speaker introduced after `since` ('A council spokesman denied it. "...," he said')."""
        found = None
        for m in _DESCRIBED_SUBJECT.finditer(self.a.text, since, pos):
            if self.a.in_quote(m.start()):
                continue
            head = m.group("head").lower()
            if (
                gender == "m"
                and head.endswith("woman")
                or gender == "f"
                and head.endswith("man")
                and not head.endswith("woman")
            ):
                continue
            found = m.group("desc")
        return found

    def plural_org(self, pos: int) -> EntityMention | None:
        """For 'they': the latest organisation named in the plural ('the Greens') in the last few sentences."""
        a = self.a
        i = bisect.bisect_left(a.starts, pos) - 1
        while i >= 0 and pos - a.outside[i].start < PLURAL_ORG_WINDOW:
            m = a.outside[i]
            last = a.text[m.start : m.end].split()[-1]
            if (
                m.label == "ORG"
                and last.endswith("s")
                and not last.endswith(("ss", "'s", "\u2019s"))
                and not last.isupper()
            ):
                return m
            i -= 1
        return None

    def resolve(self, word: str, pos: int) -> tuple[str | None, str | None]:
        """(speaker, label) for the pronoun `word` ('he', 'she', 'they', 'it') speaking at `pos`."""
        a = self.a
        if word in ("he", "she"):
            gender = "m" if word == "he" else "f"
            m = self.salient(pos, ("PERSON",), gender)
            since = a.sentence_start(m.end) if m else max(0, pos - DESCRIBED_SPEAKER_WINDOW)
            desc = self.described_speaker(pos, since, gender)
            if desc is not None and (m is None or self._sentence_after(m.start, desc, pos)):
                return desc, None
            return (m.name, "PERSON") if m else (None, None)
        if word in ("they", "it"):  # 'they': an organisation named in the plural first ('the Greens')
            m = (self.plural_org(pos) if word == "they" else None) or self.salient(pos, ("ORG",))
            return (m.name, "ORG") if m else (None, None)
        return None, None

    def _sentence_after(self, start: int, desc: str, pos: int) -> bool:
        """Whether the description's sentence comes after the one naming the person at `start`."""
        k = self.a.text.rfind(desc, start, pos)
        return k != -1 and self.a.sentence_start(k + 1) > start
