"""Titles before a person's name: nameparser's list, and which of them say the person's gender."""

from __future__ import annotations

from nameparser.config import CONSTANTS

# Every title nameparser knows ('mr', 'senator', 'judge', 'chancellor' ...), plus the short
# forms of US political titles that newspapers write with a full stop.
TITLES = frozenset(t.lower() for t in CONSTANTS.titles) | {"sen", "rep", "gov", "lt", "sgt", "capt", "col", "gen"}
# Titles that give the bearer's gender (general English usage).
MALE_TITLES = frozenset(
    {"mr", "sir", "lord", "prince", "king", "duke", "father", "brother", "uncle", "earl", "baron", "count", "emperor"}
)
FEMALE_TITLES = frozenset(
    {
        "mrs",
        "ms",
        "miss",
        "lady",
        "dame",
        "princess",
        "queen",
        "duchess",
        "sister",
        "aunt",
        "baroness",
        "countess",
        "empress",
        "madam",
        "madame",
    }
)


def title_gender(word: str) -> str | None:
    """'m' or 'f' when a title says the gender ('Mrs', 'Sir'), else None."""
    w = word.lower().rstrip(".")
    return "m" if w in MALE_TITLES else "f" if w in FEMALE_TITLES else None


def is_title(word: str) -> bool:
    """Whether `word` ('Dr.', 'Senator', 'Mrs') is a title that can stand before a name."""
    return word.lower().rstrip(".") in TITLES


COURTESY_TITLES = frozenset("mr mrs ms miss dr sir lord lady dame".split())
