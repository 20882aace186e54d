"""Given names and their gender, from gender-guesser's name dictionary (about 45,000 names, 54 countries).

`gender_of_first_name` says what a reader would assume from a given name alone; the quotes
stage weighs it against honorifics and pronouns. `is_common_given_name` is stricter: a name
frequent in English-speaking countries, so that 'Hong' or 'Paris' alone do not make a person.
"""

from __future__ import annotations

from functools import lru_cache

# Column order of the country frequencies in gender-guesser's data (its Detector.COUNTRIES).
_ENGLISH_COUNTRIES = ("great_britain", "ireland", "usa")
COMMON_FREQUENCY = 3  # gender-guesser's frequency scale: 1 (rare) .. 13 (very frequent), per country
_GENDER = {"male": "m", "mostly_male": "m", "female": "f", "mostly_female": "f"}


_CODES = {
    "M": "male",
    "1M": "mostly_male",
    "?M": "mostly_male",
    "F": "female",
    "1F": "mostly_female",
    "?F": "mostly_female",
    "?": "andy",
}


@lru_cache(maxsize=1)
def _detector():
    """gender-guesser's Detector over its own name dictionary, read in a third of the time its
    constructor takes (the same entries: the data file's fixed columns, '+' joining name parts)."""
    from importlib import resources

    import gender_guesser.detector as detector

    names: dict[str, dict[str, str]] = {}
    with (resources.files("gender_guesser") / "data" / "nam_dict.txt").open(encoding="utf-8") as f:
        for line in f:
            if line[0] in "#=":
                continue
            gender, name, values = _CODES[line[:2].strip()], line[3:29].strip().lower(), line[30:-1]
            for variant in {name.replace("+", j) for j in ("", " ", "-")} if "+" in name else (name,):
                names.setdefault(variant, {})[gender] = values
    det = detector.Detector.__new__(detector.Detector)
    det.case_sensitive, det.names = False, names
    return det


@lru_cache(maxsize=65536)
def first_name_gender(name: str) -> tuple[str | None, bool]:
    """('m' | 'f' | None, sure) for a given name; `sure` is False for 'mostly male/female' names."""
    verdict = _detector().get_gender(name.strip(".").lower())
    return _GENDER.get(verdict), verdict in ("male", "female")


def gender_of_first_name(name: str) -> str | None:
    """'m', 'f' or None (unknown, or used for both) for a given name."""
    return first_name_gender(name)[0]


@lru_cache(maxsize=65536)
def is_common_given_name(word: str) -> bool:
    """Whether `word` is a given name frequent in Britain, Ireland or the US (gender-guesser's frequencies)."""
    det = _detector()
    entry = det.names.get(word.lower())
    if not entry:
        return False
    columns = [det.COUNTRIES.index(c) for c in _ENGLISH_COUNTRIES]
    for values in entry.values():
        for col in columns:
            ch = values[col] if col < len(values) else " "
            if ch.strip() and int(ch, 16) >= COMMON_FREQUENCY:
                return True
    return False
