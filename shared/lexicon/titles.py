"""Titles before a person's name: nameparser's list, and which of them say the person's gender."""

from __future__ import annotations

from nameparser.config import CONSTANTS

# Short forms of titles (written with or without a full stop: 'Sen. Jane Roe', 'Det Sgt John Roe', 'PC Ann
# Doe') and the role words a later description may use for their bearer ('the senator', 'the officer').
TITLE_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "sen": ("senator", "lawmaker"),
    "rep": ("representative", "congressman", "congresswoman", "lawmaker"),
    "gov": ("governor",),
    "lt": ("lieutenant", "officer"),
    "sgt": ("sergeant", "officer"),
    "capt": ("captain",),
    "col": ("colonel", "officer"),
    "gen": ("general",),
    "maj": ("major", "officer"),
    "cmdr": ("commander",),
    "adm": ("admiral",),
    "det": ("detective", "officer"),
    "supt": ("superintendent", "officer"),
    "insp": ("inspector", "officer"),
    "const": ("constable", "officer"),
    "pc": ("constable", "officer"),
    "dc": ("detective", "constable", "officer"),
    "ds": ("detective", "sergeant", "officer"),
    "di": ("detective", "inspector", "officer"),
    "dci": ("detective", "inspector", "officer"),
    "cllr": ("councillor",),
    "atty": ("attorney",),
    "amb": ("ambassador",),
    "pres": ("president",),
    "prof": ("professor",),
    "dr": ("doctor",),
    "rev": ("reverend", "minister", "pastor"),
}
# Every title nameparser knows ('mr', 'senator', 'judge', 'chancellor' ...), plus the short forms above.
TITLES = frozenset(t.lower() for t in CONSTANTS.titles) | frozenset(TITLE_ABBREVIATIONS)
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
