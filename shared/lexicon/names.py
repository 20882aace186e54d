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


@lru_cache(maxsize=1)
def _detector():
    import gender_guesser.detector as detector  # loaded on first use: about 1 s, 60,000 entries

    return detector.Detector(case_sensitive=False)


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
