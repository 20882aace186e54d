"""Appositive speakers: a description followed by the name it stands for, set off by commas.

    The minister, John Smith, said: "..."            -> John Smith
    "We will fight on," added his spokeswoman, Jane Doe.   -> Jane Doe

Both are anchored, bounded scans of one clause next to a quote (linear in the text).
"""

from __future__ import annotations

import re

from services.quotes.speakers import CUES, Attribution, sentence_start

_NAME = r"[A-Z][\w'\u2019\-]+(?:\s+(?:[A-Z][\w'\u2019\-]*\.?|de|van|von|da|bin|al)){0,3}"
# right after a speaker phrase: ', Jane Doe.' / ', Jane Doe, said ...' / ', Jane Doe' at the end
_NAME_AFTER = re.compile(r"\s*,\s*(" + _NAME + r")\s*(?=[,.;:!?]|$)")
# a whole clause before a quote: 'The minister, John Smith, said:' / 'Her lawyer, Ann Lee, told the court:'
_BEFORE = re.compile(
    r"(?:^|(?<=\s))(?:[Tt]he|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts|[Aa]n?)\s+(?:[\w'\u2019\-]+\s+){0,4}?[\w'\u2019\-]+"
    r"\s*,\s*(?P<name>" + _NAME + r")\s*,\s*(?:[a-z]+\s+)?(?P<cue>[a-z]+)\b[^\"\u201c]{0,60}[:,]\s*$"
)


def _is_description(phrase: str) -> bool:
    """A speaker phrase that describes rather than names: 'his spokeswoman', 'the party's spokesman'."""
    words = phrase.split()
    return bool(words) and words[0][:1].islower() or (bool(words) and words[0] in ("The", "His", "Her", "Their", "Its"))


def name_in_apposition_after(text: str, attr: Attribution, limit: int) -> Attribution | None:
    """The name set off by a comma right after a descriptive speaker phrase ('his spokeswoman, Jane Doe')."""
    if not _is_description(text[attr.start : attr.end]):
        return None
    m = _NAME_AFTER.match(text, attr.end, min(limit, attr.end + 80))
    if m is None or m.group(1).split()[0].lower() in CUES:
        return None
    return Attribution(m.start(1), m.end(1), attr.cue, attr.where)


def name_in_apposition_before(text: str, open_mark: int, floor: int) -> Attribution | None:
    """'The minister, John Smith, said: "..."': the name between the commas of the clause before the quote."""
    lo = sentence_start(text, open_mark, floor)
    m = _BEFORE.search(text, lo, open_mark)
    if m is None or m.group("cue") not in CUES:
        return None
    return Attribution(m.start("name"), m.end("name"), m.group("cue"), "before")
